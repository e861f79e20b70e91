-- Address and kind of one premises ($premises_id): what the money summary shows beside the amounts.
-- A point lookup on the premises table (sorted by premises_id).
SELECT premises_id, street, building_no, unit_no, postcode, city, kind
FROM premises
WHERE premises_id = $premises_id
