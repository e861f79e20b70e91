-- Analysts' views. Amounts in zł; ledger.amount > 0 is a charge, < 0 a payment or credit.
-- Balance sign: positive = overpayment (nadpłata), negative = arrears (zaległość).

CREATE VIEW v_premises_balance AS
WITH totals AS (
    SELECT
        premises_id,
        sum(amount) FILTER (WHERE amount > 0) AS debits,   -- zł charged
        -sum(amount) FILTER (WHERE amount < 0) AS credits  -- zł paid or credited
    FROM ledger
    GROUP BY premises_id
)
SELECT
    p.premises_id,
    p.customer_id,
    coalesce(t.debits, 0) AS debits,
    coalesce(t.credits, 0) AS credits,
    coalesce(t.credits, 0) - coalesce(t.debits, 0) AS balance
FROM premises p
LEFT JOIN totals t USING (premises_id);
COMMENT ON VIEW v_premises_balance IS 'Saldo lokalu w zł: dodatnie = nadpłata, ujemne = zaległość.';
COMMENT ON COLUMN v_premises_balance.premises_id IS 'Lokal.';
COMMENT ON COLUMN v_premises_balance.customer_id IS 'Klient, do którego należy lokal.';
COMMENT ON COLUMN v_premises_balance.debits IS 'Suma należności (kwoty dodatnie), zł.';
COMMENT ON COLUMN v_premises_balance.credits IS 'Suma wpłat i uznań (kwoty ujemne, ze znakiem plus), zł.';
COMMENT ON COLUMN v_premises_balance.balance IS 'Saldo w zł: wpłaty minus należności; dodatnie = nadpłata, ujemne = zaległość.';

-- Open items: credits pay the oldest-due charges first (FIFO by due date).
CREATE VIEW v_open_items AS
WITH debits AS (
    SELECT
        *,
        sum(amount) OVER (
            PARTITION BY premises_id
            ORDER BY coalesce(due_date, entry_date), entry_date, entry_id
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
        ) AS cumulative_debit
    FROM ledger
    WHERE amount > 0
),
credits AS (
    SELECT premises_id, -sum(amount) AS paid FROM ledger WHERE amount < 0 GROUP BY premises_id
)
SELECT
    d.entry_id, d.premises_id, d.kind, d.entry_date, d.due_date, d.document_no, d.description,
    d.amount,
    greatest(0, least(d.amount, d.cumulative_debit - coalesce(c.paid, 0))) AS remaining
FROM debits d
LEFT JOIN credits c USING (premises_id);
COMMENT ON VIEW v_open_items IS 'Należności z kwotą pozostałą do zapłaty (wpłaty pokrywają najstarsze terminy), zł.';
COMMENT ON COLUMN v_open_items.entry_id IS 'Identyfikator zapisu należności.';
COMMENT ON COLUMN v_open_items.premises_id IS 'Lokal.';
COMMENT ON COLUMN v_open_items.kind IS 'Rodzaj zapisu (charge, invoice, correction, settlement, interest).';
COMMENT ON COLUMN v_open_items.entry_date IS 'Data zapisu.';
COMMENT ON COLUMN v_open_items.due_date IS 'Termin płatności.';
COMMENT ON COLUMN v_open_items.document_no IS 'Numer dokumentu.';
COMMENT ON COLUMN v_open_items.description IS 'Opis zapisu.';
COMMENT ON COLUMN v_open_items.amount IS 'Kwota należności, zł.';
COMMENT ON COLUMN v_open_items.remaining IS 'Kwota pozostała do zapłaty po rozliczeniu wpłat od najstarszego terminu, zł.';

-- "Today" is the office's day in Poland, not the server's: on a UTC machine current_date is
-- still yesterday for the first hour or two of a Polish day (ICU is built into DuckDB).
CREATE VIEW v_overdue_invoices AS
WITH today AS (SELECT CAST(timezone('Europe/Warsaw', current_timestamp) AS DATE) AS d)
SELECT o.*, t.d - o.due_date AS days_overdue
FROM v_open_items o, today t
WHERE o.remaining > 0 AND o.due_date < t.d;
COMMENT ON VIEW v_overdue_invoices IS 'Należności po terminie płatności z kwotą pozostałą > 0 (na dziś).';
COMMENT ON COLUMN v_overdue_invoices.entry_id IS 'Identyfikator zapisu należności.';
COMMENT ON COLUMN v_overdue_invoices.premises_id IS 'Lokal.';
COMMENT ON COLUMN v_overdue_invoices.kind IS 'Rodzaj zapisu.';
COMMENT ON COLUMN v_overdue_invoices.entry_date IS 'Data zapisu.';
COMMENT ON COLUMN v_overdue_invoices.due_date IS 'Termin płatności.';
COMMENT ON COLUMN v_overdue_invoices.document_no IS 'Numer dokumentu.';
COMMENT ON COLUMN v_overdue_invoices.description IS 'Opis zapisu.';
COMMENT ON COLUMN v_overdue_invoices.amount IS 'Kwota należności, zł.';
COMMENT ON COLUMN v_overdue_invoices.remaining IS 'Kwota pozostała do zapłaty, zł.';
COMMENT ON COLUMN v_overdue_invoices.days_overdue IS 'Liczba dni po terminie płatności (na dziś).';

-- Consumption: a reading minus the previous reading of the same meter (the first
-- reading minus the meter's initial value), booked to the month of the reading.
CREATE VIEW v_monthly_consumption AS
WITH deltas AS (
    SELECT
        r.premises_id, r.meter_id, m.medium, m.unit, r.reading_date,
        r.value - coalesce(
            lag(r.value) OVER (PARTITION BY r.meter_id ORDER BY r.reading_date),
            m.initial_value
        ) AS consumption
    FROM readings r
    JOIN meters m USING (meter_id)
)
SELECT
    premises_id, meter_id, medium, unit,
    date_trunc('month', reading_date)::DATE AS month,
    sum(consumption) AS consumption  -- in the meter's unit (m3, GJ, kWh)
FROM deltas
GROUP BY ALL;
COMMENT ON VIEW v_monthly_consumption IS 'Zużycie per licznik i miesiąc, w jednostce licznika.';
COMMENT ON COLUMN v_monthly_consumption.premises_id IS 'Lokal.';
COMMENT ON COLUMN v_monthly_consumption.meter_id IS 'Licznik.';
COMMENT ON COLUMN v_monthly_consumption.medium IS 'Medium (cold_water, hot_water, heat, gas, electricity).';
COMMENT ON COLUMN v_monthly_consumption.unit IS 'Jednostka zużycia (m3, GJ, kWh).';
COMMENT ON COLUMN v_monthly_consumption.month IS 'Miesiąc odczytu (pierwszy dzień miesiąca).';
COMMENT ON COLUMN v_monthly_consumption.consumption IS 'Zużycie w miesiącu w jednostce licznika: odczyt minus poprzedni odczyt (pierwszy: minus stan początkowy).';
