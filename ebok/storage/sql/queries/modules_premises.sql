-- Which of the portal's optional modules apply to each of $premises_ids (a list of premises ids).
-- meters: the premises has (or had) a meter; settlements: it has a meter or a media settlement;
-- waste: it has a waste collection point; voting: it belongs to a community with an ownership
-- share > 0 (the same premises voting_community_premises lets vote).
-- Each check reads only the listed premises' rows (the *_by_premises indexes), not a whole table:
-- this runs on every new browser session (docs/benchmarks.md, finding 30).
WITH
    metered AS (SELECT premises_id FROM meters WHERE list_contains($premises_ids, premises_id)),
    settled AS (SELECT premises_id FROM settlements WHERE list_contains($premises_ids, premises_id)),
    collected AS (SELECT premises_id FROM waste_points WHERE list_contains($premises_ids, premises_id))
SELECT
    p.premises_id,
    p.premises_id IN (SELECT premises_id FROM metered) AS meters,
    p.premises_id IN (SELECT premises_id FROM metered)
        OR p.premises_id IN (SELECT premises_id FROM settled) AS settlements,
    p.premises_id IN (SELECT premises_id FROM collected) AS waste,
    coalesce(p.community_id IS NOT NULL AND p.share > 0, false) AS voting
FROM premises p
WHERE list_contains($premises_ids, p.premises_id)
ORDER BY p.premises_id
