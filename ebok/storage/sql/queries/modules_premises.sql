-- Which of the portal's optional modules apply to each of $premises_ids (a list of premises ids).
-- meters: the premises has (or had) a meter; settlements: it has a meter or a media settlement;
-- waste: it has a waste collection point; voting: it belongs to a community with an ownership
-- share > 0 (the same premises voting_community_premises lets vote).
SELECT
    p.premises_id,
    EXISTS (SELECT 1 FROM meters m WHERE m.premises_id = p.premises_id) AS meters,
    EXISTS (SELECT 1 FROM meters m WHERE m.premises_id = p.premises_id)
        OR EXISTS (SELECT 1 FROM settlements s WHERE s.premises_id = p.premises_id) AS settlements,
    EXISTS (SELECT 1 FROM waste_points w WHERE w.premises_id = p.premises_id) AS waste,
    coalesce(p.community_id IS NOT NULL AND p.share > 0, false) AS voting
FROM premises p
WHERE list_contains($premises_ids, p.premises_id)
ORDER BY p.premises_id
