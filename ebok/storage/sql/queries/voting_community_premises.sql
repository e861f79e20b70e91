-- Premises entitled to vote in one community: those with an ownership share > 0.
-- share is a fraction 0–1 of the common property; the shares of a community sum to about 1.
SELECT
    p.premises_id,
    p.street || ' ' || p.building_no || coalesce('/' || p.unit_no, '') || ', ' || p.city AS address,
    cu.name AS owner,
    p.share
FROM premises p
JOIN customers cu USING (customer_id)
WHERE p.community_id = $community_id AND p.share > 0
ORDER BY p.premises_id
