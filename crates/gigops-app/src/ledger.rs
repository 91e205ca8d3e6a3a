//! The ledger's use cases: adding and closing deals, logging time, importing the interchange
//! files. Requests carry text as a person or an API client writes it (amounts, instants,
//! stages); the rules for reading it live here, once, for the CLI and the server.

use std::collections::HashSet;

use gigops_core::{
    Currency, Deal, DealId, DealKind, Money, Outcome, Platform, Score, StageEvent, Stages,
    TimeCategory, TimeEntry,
};
use gigops_ledger_files::{Source, parse_import};
use gigops_store::{ClientScope, DealDetail, ImportCounts, LedgerStore};
use jiff::Timestamp;

use crate::error::{bad_field, bad_input};
use crate::results::DealClosed;

/// The instant a person wrote (RFC 3339 or `YYYY-MM-DD`), or now when they wrote none.
pub fn instant_or_now(text: Option<&str>) -> anyhow::Result<Timestamp> {
    match text {
        Some(text) => Ok(gigops_core::parse_instant(text)?),
        // Whole seconds: what a person means by "now", and exact in every store.
        None => Ok(Timestamp::from_second(Timestamp::now().as_second())?),
    }
}

/// `deal add`: a new open deal, as written.
#[derive(Debug, Clone)]
pub struct NewDeal {
    pub id: String,
    pub client: String,
    pub platform: String,
    pub kind: DealKind,
    /// In major units (`4800.50`), exactly as many decimals as the currency has at most.
    pub value: String,
    pub currency: String,
    pub opened_at: Option<String>,
    pub tech_doc_score: Option<String>,
    pub github_score: Option<String>,
    pub demo_score: Option<String>,
    /// The stage it enters; the pipeline's first when `None`.
    pub stage: Option<String>,
}

/// A deal just added, and the stage it entered.
#[derive(Debug)]
pub struct AddedDeal {
    pub deal: Deal,
    pub stage: String,
}

/// Adds an open deal, which enters its first stage when it opens.
pub async fn add_deal(
    store: &impl LedgerStore,
    stages: &Stages,
    new: NewDeal,
) -> anyhow::Result<AddedDeal> {
    let currency = Currency::parse(&new.currency)?;
    let score = |s: Option<String>| s.as_deref().map(Score::parse).transpose();
    let deal = Deal {
        id: DealId::parse(&new.id)?,
        client: new.client.trim().to_string(),
        platform: Platform::parse(&new.platform)?,
        kind: new.kind,
        value: Money::parse_major(&new.value, currency)?,
        opened_at: instant_or_now(new.opened_at.as_deref())?,
        outcome: Outcome::Open,
        closed_at: None,
        lost_reason: None,
        tech_doc_score: score(new.tech_doc_score)?,
        github_score: score(new.github_score)?,
        demo_score: score(new.demo_score)?,
    };
    if let Some((field, reason)) = deal.problems().into_iter().next() {
        return Err(bad_input(format!("{field}: {reason}")));
    }
    let first_stage = match &new.stage {
        Some(stage) => stages.get(stage)?.clone(),
        None => stages
            .iter()
            .next()
            .cloned()
            .expect("stages are never empty"),
    };
    store.add_deal(&deal).await?;
    store
        .add_stage_event(
            &StageEvent {
                deal_id: deal.id.clone(),
                stage: first_stage.clone(),
                entered_at: deal.opened_at,
            },
            stages,
        )
        .await?;
    Ok(AddedDeal {
        deal,
        stage: first_stage.to_string(),
    })
}

/// One deal with its history, or a bad-input error naming the id.
pub async fn deal(store: &impl LedgerStore, id: &str) -> anyhow::Result<DealDetail> {
    let id = DealId::parse(id)?;
    store
        .get_deal(&id, &ClientScope::All)
        .await?
        .ok_or_else(|| bad_input(format!("no deal with id {id}")))
}

/// `deal move`: the deal enters a stage.
pub async fn move_deal(
    store: &impl LedgerStore,
    stages: &Stages,
    id: &str,
    stage: &str,
    at: Option<&str>,
) -> anyhow::Result<StageEvent> {
    let event = StageEvent {
        deal_id: DealId::parse(id)?,
        stage: stages.get(stage)?.clone(),
        entered_at: instant_or_now(at)?,
    };
    store.add_stage_event(&event, stages).await?;
    Ok(event)
}

/// `deal close`: won or lost, with a reason only for what was lost. A won retainer that closes
/// as lost has ended: it stays a won sale, and the reason is why the client left.
pub async fn close_deal(
    store: &impl LedgerStore,
    id: &str,
    outcome: &str,
    at: Option<&str>,
    reason: Option<String>,
) -> anyhow::Result<DealClosed> {
    let id = DealId::parse(id)?;
    let outcome: Outcome = outcome.parse()?;
    if outcome == Outcome::Won && reason.is_some() {
        return Err(bad_field(
            "reason",
            "is for lost deals (and retainers that ended)",
        ));
    }
    let closed_at = instant_or_now(at)?;
    let was_won = store
        .get_deal(&id, &ClientScope::All)
        .await?
        .is_some_and(|d| d.deal.outcome == Outcome::Won);
    store
        .close_deal(&id, outcome, closed_at, reason.clone())
        .await?;
    Ok(DealClosed {
        closed_at,
        ended: was_won && outcome == Outcome::Lost,
        id,
        lost_reason: reason,
        outcome,
    })
}

/// `time add`: minutes spent on a deal, as written.
#[derive(Debug, Clone)]
pub struct NewTimeEntry {
    pub deal: String,
    /// A positive whole number, as written.
    pub minutes: String,
    pub category: TimeCategory,
    pub at: Option<String>,
    pub note: Option<String>,
}

/// Logs time on a deal; an empty note is no note.
pub async fn log_time(store: &impl LedgerStore, new: NewTimeEntry) -> anyhow::Result<TimeEntry> {
    let minutes: u32 = match new.minutes.parse::<i64>() {
        Ok(m) if m > 0 => u32::try_from(m).map_err(|_| bad_input("too many minutes"))?,
        Ok(m) => {
            return Err(bad_field(
                "minutes",
                format!("{m}: expected a positive number"),
            ));
        }
        Err(_) => {
            return Err(bad_field(
                "minutes",
                format!("{:?}: expected a whole number", new.minutes),
            ));
        }
    };
    let entry = TimeEntry {
        deal_id: DealId::parse(&new.deal)?,
        started_at: instant_or_now(new.at.as_deref())?,
        minutes,
        category: new.category,
        note: new.note.filter(|n| !n.is_empty()),
    };
    store.add_time_entry(&entry).await?;
    Ok(entry)
}

/// `import`: the interchange files, all checked before anything is written, each table at most
/// once; the deals they refer to may be in the files or already stored.
pub async fn import(
    store: &impl LedgerStore,
    stages: &Stages,
    sources: &[Source],
) -> anyhow::Result<ImportCounts> {
    let mut tables_seen = HashSet::new();
    for source in sources {
        if !tables_seen.insert(source.table) {
            return Err(bad_input(format!(
                "{}: a second {} file in one import; give each table once",
                source.name,
                source.table.file_stem()
            )));
        }
    }
    let parsed = parse_import(sources, stages);
    let stored = store
        .existing_deal_ids(&parsed.unresolved_deal_ids())
        .await?;
    let ledger = parsed.resolve(&stored)?;
    Ok(store.import(&ledger).await?)
}

#[cfg(test)]
mod tests {
    use gigops_core::Ledger;
    use gigops_ledger_files::{Format, Table};
    use gigops_test_support::{block_on, with_sqlite};

    use super::*;
    use crate::kind_of;

    fn deals_csv(name: &str) -> Source {
        Source {
            name: name.to_string(),
            table: Table::Deals,
            format: Format::Csv,
            bytes: "id,client,platform,kind,currency,value,opened_at,outcome,closed_at,\
                   lost_reason,tech_doc_score,github_score,demo_score\n\
                   D-1,Acme,Upwork,project,USD,4800,2026-01-05,open,,,,,\n"
                .into(),
        }
    }

    #[test]
    fn an_import_takes_each_table_once_and_writes_nothing_otherwise() {
        block_on(with_sqlite(|test| async move {
            let store = test.store();
            let stages = Stages::default();
            let twice = [deals_csv("a/deals.csv"), deals_csv("b/deals.json")];
            let error = import(store, &stages, &twice).await.unwrap_err();
            assert_eq!(kind_of(&error), crate::ErrorKind::BadInput);
            assert_eq!(
                error.to_string(),
                "b/deals.json: a second deals file in one import; give each table once"
            );
            assert_eq!(store.export().await.unwrap(), Ledger::default());

            let counts = import(store, &stages, &twice[..1]).await.unwrap();
            assert_eq!(counts.deals.inserted, 1);
        }));
    }

    #[test]
    fn a_won_retainer_that_closes_lost_has_ended_and_a_won_deal_has_no_reason() {
        block_on(with_sqlite(|test| async move {
            let store = test.store();
            let stages = Stages::default();
            let new = |id: &str, kind| NewDeal {
                id: id.into(),
                client: " Acme ".into(),
                platform: "Upwork".into(),
                kind,
                value: "4800".into(),
                currency: "USD".into(),
                opened_at: Some("2026-01-05".into()),
                tech_doc_score: None,
                github_score: None,
                demo_score: None,
                stage: None,
            };
            let added = add_deal(store, &stages, new("R-1", DealKind::Retainer))
                .await
                .unwrap();
            assert_eq!(added.deal.client, "Acme", "names are trimmed");
            assert_eq!(added.stage, stages.iter().next().unwrap().to_string());

            let error = close_deal(store, "R-1", "won", None, Some("price".into()))
                .await
                .unwrap_err();
            assert_eq!(kind_of(&error), crate::ErrorKind::BadInput);
            crate::error::assert_about_field(&error, "reason");
            assert_eq!(
                error.to_string(),
                "reason: is for lost deals (and retainers that ended)"
            );

            let won = close_deal(store, "R-1", "won", Some("2026-02-01"), None)
                .await
                .unwrap();
            assert!(!won.ended);
            let ended = close_deal(
                store,
                "R-1",
                "lost",
                Some("2026-06-01"),
                Some("moved".into()),
            )
            .await
            .unwrap();
            assert!(ended.ended, "a won retainer that closes lost has ended");

            add_deal(store, &stages, new("P-1", DealKind::Project))
                .await
                .unwrap();
            let lost = close_deal(store, "P-1", "lost", Some("2026-02-01"), None)
                .await
                .unwrap();
            assert!(!lost.ended, "an open deal that is lost has not ended");
        }));
    }

    #[test]
    fn minutes_are_a_positive_whole_number() {
        block_on(with_sqlite(|test| async move {
            let store = test.store();
            let entry = |minutes: &str| NewTimeEntry {
                deal: "D-1".into(),
                minutes: minutes.into(),
                category: TimeCategory::Coding,
                at: None,
                note: Some(String::new()),
            };
            for (minutes, field, message) in [
                (
                    "0",
                    Some("minutes"),
                    "minutes: 0: expected a positive number",
                ),
                (
                    "-5",
                    Some("minutes"),
                    "minutes: -5: expected a positive number",
                ),
                (
                    "1.5",
                    Some("minutes"),
                    "minutes: \"1.5\": expected a whole number",
                ),
                ("99999999999", None, "too many minutes"),
            ] {
                let error = log_time(store, entry(minutes)).await.unwrap_err();
                assert_eq!(error.to_string(), message);
                match field {
                    Some(field) => crate::error::assert_about_field(&error, field),
                    None => assert_eq!(crate::field_of(&error), None),
                }
                assert_eq!(kind_of(&error), crate::ErrorKind::BadInput);
            }
            import(store, &Stages::default(), &[deals_csv("deals.csv")])
                .await
                .unwrap();
            let logged = log_time(store, entry("90")).await.unwrap();
            assert_eq!(logged.minutes, 90);
            assert_eq!(logged.note, None, "an empty note is no note");
        }));
    }
}
