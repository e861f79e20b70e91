-- The next collection day on or after $today for any of the premises' points, with every
-- fraction collected that day and the points' addresses.
WITH upcoming AS (
    SELECT s.collection_date, s.fraction, p.address
    FROM waste_schedule s
    JOIN waste_points p USING (route_id)
    WHERE p.premises_id = $premises_id AND s.collection_date >= $today
)
SELECT collection_date, list(DISTINCT fraction ORDER BY fraction) AS fractions,
       list(DISTINCT address ORDER BY address) AS addresses
FROM upcoming
WHERE collection_date = (SELECT min(collection_date) FROM upcoming)
GROUP BY collection_date
