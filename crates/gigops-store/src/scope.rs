//! Whose records a read returns. Every read that a client could reach (deals, a deal's detail,
//! quotes, SOWs, sign-offs, acceptances, gate runs, what is ready to invoice) takes a
//! [`ClientScope`], so that a client portal cannot forget to narrow it: scoped to one client, a
//! read returns that client's rows only, and another client's deal is as unknown as a deal that
//! does not exist.

use gigops_core::DealId;

use crate::error::{Result, StoreError};
use crate::ledger::{DealStatements, KeyColumn, deal_key};

/// The clients a read may return records of.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ClientScope {
    /// Every client's: the owner of the ledger (the CLI, reports).
    #[default]
    All,
    /// One client's, by name: what that client may see.
    Client(String),
}

impl ClientScope {
    /// The scope of the client with this name.
    pub fn client(name: impl Into<String>) -> Self {
        ClientScope::Client(name.into())
    }

    /// The client's name, when the scope is one client.
    pub fn client_name(&self) -> Option<&str> {
        match self {
            ClientScope::All => None,
            ClientScope::Client(name) => Some(name),
        }
    }
}

/// The deals a read of one deal or of many reaches, as keys for the statements: the one deal
/// (already checked against the scope), else the deals of one client, else every deal.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct DealsIn {
    pub deal: Option<i64>,
    pub client: Option<i64>,
}

/// The key of a deal the scope reaches; `NotFound` naming the deal when it does not exist or
/// is another client's, which a scoped reader cannot tell apart.
pub(crate) async fn scoped_deal_key<T: DealStatements>(
    tx: &mut T,
    id: &DealId,
    scope: &ClientScope,
) -> Result<i64> {
    let key = deal_key(tx, id, "deal").await?;
    if let Some(client) = scope.client_name() {
        let reached = match client_key(tx, client).await? {
            Some(client) => tx.deal_of_client(key, client).await?,
            None => false,
        };
        if !reached {
            return Err(StoreError::NotFound {
                what: "deal",
                key: id.to_string(),
            });
        }
    }
    Ok(key)
}

/// The deals a read reaches: one deal (an unknown or out-of-scope deal is `NotFound`), or
/// every deal in the scope. `None` when the scope's client does not exist, so nothing is.
pub(crate) async fn deals_in<T: DealStatements>(
    tx: &mut T,
    deal: Option<&DealId>,
    scope: &ClientScope,
) -> Result<Option<DealsIn>> {
    if let Some(id) = deal {
        let deal = scoped_deal_key(tx, id, scope).await?;
        return Ok(Some(DealsIn {
            deal: Some(deal),
            client: None,
        }));
    }
    Ok(match scope.client_name() {
        None => Some(DealsIn::default()),
        Some(client) => client_key(tx, client).await?.map(|client| DealsIn {
            deal: None,
            client: Some(client),
        }),
    })
}

async fn client_key<T: DealStatements>(tx: &mut T, name: &str) -> Result<Option<i64>> {
    Ok(tx
        .keys_by_text(KeyColumn::ClientName, &[name])
        .await?
        .remove(name))
}
