-- The premises' own parameters used by the meters page (persons for per-person figures).
SELECT premises_id, building_id, persons
FROM premises
WHERE premises_id = $premises_id
