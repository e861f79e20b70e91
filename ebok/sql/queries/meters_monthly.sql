-- Monthly consumption of one premises per medium (all its meters of that medium summed,
-- so a replaced meter's old and new counters add up), in the medium's unit.
-- Same arithmetic as v_monthly_consumption, but the premises' readings are picked before lag():
-- the view's window runs over every reading of the warehouse and no filter can pass below it.
WITH deltas AS (
    SELECT
        m.medium, m.unit, r.reading_date,
        r.value - coalesce(
            lag(r.value) OVER (PARTITION BY r.meter_id ORDER BY r.reading_date),
            m.initial_value
        ) AS consumption  -- meter's unit
    FROM readings r
    JOIN meters m USING (meter_id)
    WHERE r.premises_id = $premises_id
)
SELECT
    medium,
    any_value(unit) AS unit,
    date_trunc('month', reading_date)::DATE AS month,  -- first day of the month
    sum(consumption) AS consumption                    -- m3, GJ or kWh
FROM deltas
GROUP BY medium, month
ORDER BY medium, month
