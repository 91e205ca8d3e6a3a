//! Parsers of the formats gigops reads and writes: ledger CSV/JSON import and export.
