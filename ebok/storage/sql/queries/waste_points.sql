-- The premises' waste collection points with the basis of the waste fee.
-- rate: zł per declared person or per container, per month.
SELECT point_id, premises_id, address, route_id, containers, fee_basis, declared_persons, rate
FROM waste_points
WHERE premises_id = $premises_id
ORDER BY point_id
