-- A sign-off's SSH signature (OpenSSH SSHSIG, PEM armoured, namespace gigops-sow) over the
-- record's signed message (docs/contracts.md, "What a signature covers"). NULL for a signature
-- recorded before sign-offs were made with keys: such an unsigned digest is kept and reported
-- as unsigned, never taken for a sign-off.
ALTER TABLE sow_signatures ADD COLUMN ssh_signature TEXT;
