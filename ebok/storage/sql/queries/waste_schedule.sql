-- Collection days of the premises' routes between two dates (inclusive), one row per
-- route, day and fraction (mixed, paper, glass, metals_plastics, bio).
SELECT DISTINCT s.route_id, s.collection_date, s.fraction
FROM waste_schedule s
WHERE s.route_id IN (SELECT route_id FROM waste_points WHERE premises_id = $premises_id)
  AND s.collection_date BETWEEN $date_from AND $date_to
ORDER BY s.collection_date, s.fraction
