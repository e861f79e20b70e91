-- The building's consumption per person per medium and month: the consumption of every
-- premises in the same building_id divided by the persons living in those premises that
-- have a consumption of that medium in that month (premises without meters do not dilute it).
-- Result in the medium's unit per person; NULL where nobody is registered.
WITH building AS (
    SELECT building_id FROM premises WHERE premises_id = $premises_id
),
per_premises AS (
    SELECT c.premises_id, c.medium, c.month, sum(c.consumption) AS consumption
    FROM v_monthly_consumption c
    JOIN premises p USING (premises_id)
    WHERE p.building_id = (SELECT building_id FROM building)
    GROUP BY ALL
)
SELECT
    pp.medium,
    pp.month,
    sum(pp.consumption) AS consumption,       -- whole building, medium's unit
    sum(p.persons) AS persons,
    sum(pp.consumption) / nullif(sum(p.persons), 0) AS per_person
FROM per_premises pp
JOIN premises p USING (premises_id)
GROUP BY pp.medium, pp.month
ORDER BY pp.medium, pp.month
