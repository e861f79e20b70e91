-- The premises' community and ownership share (share: fraction 0–1, the weight of its vote).
SELECT p.premises_id, p.community_id, p.share, c.name AS community_name
FROM premises p
LEFT JOIN communities c USING (community_id)
WHERE p.premises_id = $premises_id
