-- Monthly consumption of one premises per medium (all its meters of that medium summed,
-- so a replaced meter's old and new counters add up), in the medium's unit.
-- The loader computes it once per warehouse version (schema.MONTHLY_CONSUMPTION: lag() per meter,
-- the first reading minus the initial value); the table is sorted by premises_id, so this reads
-- one small row group.
WITH premises_months AS (
    SELECT medium, unit, month, consumption
    FROM monthly_consumption
    WHERE premises_id = $premises_id
)
SELECT
    medium,
    unit,         -- m3, GJ or kWh
    month,        -- first day of the month
    consumption   -- in unit
FROM premises_months
ORDER BY medium, month
