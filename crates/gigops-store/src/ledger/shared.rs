//! The ledger's statements that both backends write alike, as items that each backend's impl
//! takes in: one text, compiled once per connection type, like the whole-trait impls of
//! `store::on_both_backends!`. Numbered `$N` placeholders read the same on both (sqlx's SQLite
//! driver binds them by number). The statements that differ (bulk writes, key lookups, the
//! load, the row lock) stay in `sqlite/` and `postgres.rs`.

/// `deal_by_id` and `deal_of_client` of [`DealStatements`](super::DealStatements).
macro_rules! shared_deal_statements {
    () => {
        async fn deal_by_id(&mut self, id: &str) -> $crate::Result<Option<gigops_core::Deal>> {
            let sql = format!("{} AND d.id = $1", $crate::ledger::sql::select_deals());
            let row = sqlx::query(&sql)
                .bind(id)
                .fetch_optional(&mut *self)
                .await?;
            row.map(|row| $crate::codec::decode_deal(&row, &mut $crate::codec::Interner::default()))
                .transpose()
        }

        async fn deal_of_client(&mut self, deal_key: i64, client_key: i64) -> $crate::Result<bool> {
            Ok(sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM deals WHERE key = $1 AND client_key = $2)",
            )
            .bind(deal_key)
            .bind(client_key)
            .fetch_one(&mut *self)
            .await?)
        }
    };
}

/// `reopenings_of`, `clients`, `client_by_name`, `deals` and `counts` of
/// [`LedgerStatements`](super::LedgerStatements).
macro_rules! shared_ledger_statements {
    () => {
        async fn reopenings_of(
            &mut self,
            deals: $crate::ledger::ReopeningsOf<'_>,
        ) -> $crate::Result<Vec<gigops_core::Reopening>> {
            let mut query = sqlx::QueryBuilder::<<Self as sqlx::Connection>::Database>::new(
                $crate::ledger::sql::SELECT_REOPENINGS,
            );
            match deals {
                $crate::ledger::ReopeningsOf::Deals(filter) => {
                    $crate::codec::push_deal_filter(&mut query, filter)
                }
                $crate::ledger::ReopeningsOf::Deal(key) => {
                    query.push(" AND r.deal_key = ").push_bind(key);
                }
            }
            query.push(" ORDER BY d.id, r.reopened_at");
            let rows = query.build().fetch_all(&mut *self).await?;
            rows.iter().map($crate::codec::decode_reopening).collect()
        }

        async fn clients(&mut self) -> $crate::Result<Vec<gigops_core::Client>> {
            use futures_util::TryStreamExt as _;
            let sql = format!(
                "SELECT {} FROM clients ORDER BY name",
                $crate::codec::CLIENT_COLUMNS
            );
            let mut interner = $crate::codec::Interner::default();
            let mut clients = Vec::new();
            let mut rows = sqlx::query(&sql).fetch(&mut *self);
            while let Some(row) = rows.try_next().await? {
                clients.push($crate::codec::decode_client(&row, &mut interner)?);
            }
            Ok(clients)
        }

        async fn client_by_name(
            &mut self,
            name: &str,
        ) -> $crate::Result<Option<gigops_core::Client>> {
            let sql = format!(
                "SELECT {} FROM clients WHERE name = $1",
                $crate::codec::CLIENT_COLUMNS
            );
            let row = sqlx::query(&sql)
                .bind(name)
                .fetch_optional(&mut *self)
                .await?;
            row.map(|row| {
                $crate::codec::decode_client(&row, &mut $crate::codec::Interner::default())
            })
            .transpose()
        }

        async fn deals(
            &mut self,
            filter: &$crate::DealFilter,
            client: Option<&str>,
        ) -> $crate::Result<Vec<gigops_core::Deal>> {
            use futures_util::TryStreamExt as _;
            let mut query = sqlx::QueryBuilder::<<Self as sqlx::Connection>::Database>::new(
                $crate::ledger::sql::select_deals(),
            );
            $crate::codec::push_deal_filter(&mut query, filter);
            if let Some(client) = client {
                query.push(" AND c.name = ").push_bind(client);
            }
            query.push(" ORDER BY d.opened_at, d.id");
            let mut interner = $crate::codec::Interner::default();
            let mut deals = Vec::new();
            let mut rows = query.build().fetch(&mut *self);
            while let Some(row) = rows.try_next().await? {
                deals.push($crate::codec::decode_deal(&row, &mut interner)?);
            }
            Ok(deals)
        }

        async fn counts(&mut self) -> $crate::Result<$crate::Counts> {
            use $crate::codec::Columns as _;
            let row = sqlx::query($crate::ledger::sql::COUNT_ROWS)
                .fetch_one(&mut *self)
                .await?;
            let count = |i: usize| -> $crate::Result<u64> { Ok(row.integer(i)? as u64) };
            Ok($crate::Counts {
                clients: count(0)?,
                deals: count(1)?,
                events: count(2)?,
                time_entries: count(3)?,
                reopenings: count(4)?,
            })
        }
    };
}

pub(super) use {shared_deal_statements, shared_ledger_statements};
