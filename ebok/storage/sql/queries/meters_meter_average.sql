-- Average monthly consumption of one medium in one premises over the booked history
-- (months with a booked reading), in the medium's unit per month; NULL without history.
-- The implausibility check compares a new submission's jump with N times this value.
-- Months come from monthly_consumption, computed by the loader once per warehouse version.
WITH monthly AS (
    SELECT month, consumption  -- m3, GJ or kWh
    FROM monthly_consumption
    WHERE premises_id = $premises_id AND medium = $medium
)
SELECT avg(consumption)::DECIMAL(18, 4) AS average, count(*) AS months  -- per month
FROM monthly
