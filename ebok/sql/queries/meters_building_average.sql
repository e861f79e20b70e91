-- The building's consumption per person per medium and month: the consumption of every
-- premises in the same building_id divided by the persons living in those premises that
-- have a consumption of that medium in that month (premises without meters do not dilute it).
-- Result in the medium's unit per person; NULL where nobody is registered.
-- Same arithmetic as v_monthly_consumption, but only the building's readings enter lag():
-- readings are sorted by premises_id, so the building's premises are a few row groups.
WITH building_premises AS (
    SELECT premises_id, persons
    FROM premises
    WHERE building_id = (SELECT building_id FROM premises WHERE premises_id = $premises_id)
),
deltas AS (
    SELECT
        r.premises_id, m.medium, r.reading_date,
        r.value - coalesce(
            lag(r.value) OVER (PARTITION BY r.meter_id ORDER BY r.reading_date),
            m.initial_value
        ) AS consumption  -- meter's unit
    FROM readings r
    JOIN meters m USING (meter_id)
    WHERE r.premises_id IN (SELECT premises_id FROM building_premises)
),
per_premises AS (
    SELECT premises_id, medium, date_trunc('month', reading_date)::DATE AS month,
           sum(consumption) AS consumption
    FROM deltas
    GROUP BY ALL
)
SELECT
    pp.medium,
    pp.month,
    sum(pp.consumption) AS consumption,       -- whole building, medium's unit
    sum(p.persons) AS persons,
    sum(pp.consumption) / nullif(sum(p.persons), 0) AS per_person
FROM per_premises pp
JOIN building_premises p USING (premises_id)
GROUP BY pp.medium, pp.month
ORDER BY pp.medium, pp.month
