-- Average monthly consumption of one medium in one premises over the booked history
-- (months with a booked reading), in the medium's unit per month; NULL without history.
-- The implausibility check compares a new submission's jump with N times this value.
WITH monthly AS (
    SELECT month, sum(consumption) AS consumption
    FROM v_monthly_consumption
    WHERE premises_id = $premises_id AND medium = $medium
    GROUP BY month
)
SELECT avg(consumption)::DECIMAL(18, 4) AS average, count(*) AS months  -- per month
FROM monthly
