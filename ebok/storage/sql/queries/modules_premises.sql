-- Which of the portal's optional modules apply to each of $premises_ids (a list of premises ids).
-- meters: the premises has (or had) a meter; settlements: it has a meter or a media settlement;
-- waste: it has a waste collection point; voting: it belongs to a community with an ownership
-- share > 0 (the same premises voting_community_premises lets vote).
-- Each check reads only the listed premises' rows (the *_by_premises indexes), not a whole table:
-- this runs on every new browser session (docs/benchmarks.md, finding 30).
SELECT
    p.premises_id,
    p.premises_id IN (SELECT m.premises_id FROM meters m WHERE list_contains($premises_ids, m.premises_id))
        AS meters,
    p.premises_id IN (SELECT m.premises_id FROM meters m WHERE list_contains($premises_ids, m.premises_id))
        OR p.premises_id IN (
            SELECT s.premises_id FROM settlements s WHERE list_contains($premises_ids, s.premises_id)
        ) AS settlements,
    p.premises_id IN (SELECT w.premises_id FROM waste_points w WHERE list_contains($premises_ids, w.premises_id))
        AS waste,
    coalesce(p.community_id IS NOT NULL AND p.share > 0, false) AS voting
FROM premises p
WHERE list_contains($premises_ids, p.premises_id)
ORDER BY p.premises_id
