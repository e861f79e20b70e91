-- The building's consumption per person per medium and month: the consumption of every
-- premises in the same building_id divided by the persons living in those premises that
-- have a consumption of that medium in that month (premises without meters do not dilute it).
-- Result in the medium's unit per person; NULL where nobody is registered.
-- The loader computes it for every building once per warehouse version
-- (schema.BUILDING_MONTHLY_CONSUMPTION); here it is only looked up.
WITH building AS (
    SELECT building_id FROM premises WHERE premises_id = $premises_id
)
SELECT
    b.medium,
    b.month,        -- first day of the month
    b.consumption,  -- whole building, medium's unit (m3, GJ, kWh)
    b.persons,
    b.per_person    -- medium's unit per person
FROM building_monthly_consumption b
JOIN building USING (building_id)
ORDER BY b.medium, b.month
