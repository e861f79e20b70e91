-- Average monthly consumption of one medium in one premises over the booked history
-- (months with a booked reading), in the medium's unit per month; NULL without history.
-- The implausibility check compares a new submission's jump with N times this value.
-- Same arithmetic as v_monthly_consumption, but the premises' readings are picked before lag():
-- the view's window runs over every reading of the warehouse and no filter can pass below it.
WITH deltas AS (
    SELECT
        r.reading_date,
        r.value - coalesce(
            lag(r.value) OVER (PARTITION BY r.meter_id ORDER BY r.reading_date),
            m.initial_value
        ) AS consumption  -- meter's unit
    FROM readings r
    JOIN meters m USING (meter_id)
    WHERE r.premises_id = $premises_id AND m.medium = $medium
),
monthly AS (
    SELECT date_trunc('month', reading_date)::DATE AS month, sum(consumption) AS consumption
    FROM deltas
    GROUP BY month
)
SELECT avg(consumption)::DECIMAL(18, 4) AS average, count(*) AS months  -- per month
FROM monthly
