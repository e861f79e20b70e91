-- The loader's comparison (ebok.loader.compare): the ledger per month of entry_date in the
-- warehouse served (schema served) and the new one (schema incoming). Amounts in zł as exported
-- (positive = charge). rows/sum: every entry; kept_rows/kept_sum/fingerprint: only the entries of
-- premises present on both sides (a premises gone takes its history along, and is reported as
-- gone, not as a changed month). fingerprint: xor of the hashes of each entry's id, premises, date
-- and amount, so entries replaced by others of the same count and sum still differ.
WITH
    kept AS (SELECT premises_id FROM served.premises INTERSECT SELECT premises_id FROM incoming.premises),
    old_entries AS (
        SELECT date_trunc('month', entry_date)::DATE AS month, amount,
               hash(entry_id, premises_id, entry_date, amount) AS h,
               premises_id IN (SELECT premises_id FROM kept) AS is_kept
        FROM served.ledger
    ),
    new_entries AS (
        SELECT date_trunc('month', entry_date)::DATE AS month, amount,
               hash(entry_id, premises_id, entry_date, amount) AS h,
               premises_id IN (SELECT premises_id FROM kept) AS is_kept
        FROM incoming.ledger
    ),
    old AS (
        SELECT month, count(*) AS n, sum(amount) AS total,
               count(*) FILTER (WHERE is_kept) AS kept_n,
               sum(amount) FILTER (WHERE is_kept) AS kept_total,
               bit_xor(h) FILTER (WHERE is_kept) AS fingerprint
        FROM old_entries GROUP BY month
    ),
    new AS (
        SELECT month, count(*) AS n, sum(amount) AS total,
               count(*) FILTER (WHERE is_kept) AS kept_n,
               sum(amount) FILTER (WHERE is_kept) AS kept_total,
               bit_xor(h) FILTER (WHERE is_kept) AS fingerprint
        FROM new_entries GROUP BY month
    )
SELECT
    coalesce(old.month, new.month) AS month,
    coalesce(old.n, 0) AS rows_before,
    coalesce(old.total, 0) AS sum_before,
    coalesce(new.n, 0) AS rows_after,
    coalesce(new.total, 0) AS sum_after,
    coalesce(old.kept_n, 0) AS kept_rows_before,
    coalesce(old.kept_total, 0) AS kept_sum_before,
    coalesce(new.kept_n, 0) AS kept_rows_after,
    coalesce(new.kept_total, 0) AS kept_sum_after,
    old.fingerprint IS NOT DISTINCT FROM new.fingerprint AS same_entries
FROM old FULL JOIN new ON old.month = new.month
ORDER BY month
