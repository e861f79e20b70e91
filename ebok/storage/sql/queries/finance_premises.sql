-- Customer and premises data of one premises ($premises_id): address, account and the
-- charge parameters (area_m2 and storage_m2 in m², persons, active meters on $today).
WITH active_meters AS (
    SELECT premises_id, count(*) AS meters
    FROM meters
    WHERE premises_id = $premises_id
      AND installed_on <= $today
      AND (removed_on IS NULL OR removed_on > $today)
    GROUP BY premises_id
)
SELECT
    p.premises_id, p.customer_id, c.name AS customer_name, c.email, c.phone, c.nip,
    p.building_id, p.street, p.building_no, p.unit_no, p.postcode, p.city,
    p.kind, p.tenure, p.area_m2, p.persons, p.storage_m2, p.community_id, p.share,
    p.bank_account,
    coalesce(m.meters, 0) AS meters
FROM premises p
JOIN customers c ON c.customer_id = p.customer_id
LEFT JOIN active_meters m ON m.premises_id = p.premises_id
WHERE p.premises_id = $premises_id
