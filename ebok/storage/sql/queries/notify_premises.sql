-- Every premises with its customer and where it lies (building, community), and its address for e-mails.
SELECT premises_id, customer_id, building_id, community_id, coalesce(share, 0) AS share,
       street || ' ' || building_no || coalesce('/' || unit_no, '') || ', ' || city AS address
FROM premises
ORDER BY premises_id
