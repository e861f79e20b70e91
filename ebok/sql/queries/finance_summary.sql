-- Money summary of one premises $premises_id, as of $today (finance.summaries runs it per premises:
-- an equality on premises_id passes below v_open_items' window to the sorted ledger, ~15 ms at
-- 100 000 premises; a list filter does not and computes the window over the whole ledger, ~0.5 s).
-- All amounts in zł (DECIMAL). Balance sign: positive = overpayment (nadpłata),
-- negative = arrears (zaległość). An item without due_date is due on its entry_date.
WITH items AS (
    SELECT premises_id, coalesce(due_date, entry_date) AS due, remaining  -- zł still unpaid
    FROM v_open_items
    WHERE premises_id = $premises_id AND remaining > 0
),
overdue AS (
    SELECT premises_id, sum(remaining) AS overdue  -- zł past its due date
    FROM items
    WHERE due < $today
    GROUP BY premises_id
),
next_date AS (
    SELECT premises_id, min(due) AS next_due
    FROM items
    WHERE due >= $today
    GROUP BY premises_id
),
next_due AS (
    SELECT i.premises_id, n.next_due, sum(i.remaining) AS next_due_amount  -- zł due on next_due
    FROM items i
    JOIN next_date n ON n.premises_id = i.premises_id AND n.next_due = i.due
    GROUP BY i.premises_id, n.next_due
),
open_total AS (
    SELECT premises_id, sum(remaining) AS open_total  -- zł of every unpaid item
    FROM items
    GROUP BY premises_id
)
SELECT
    p.premises_id,
    p.street, p.building_no, p.unit_no, p.postcode, p.city, p.kind,
    b.debits,
    b.credits,
    b.balance,
    coalesce(o.overdue, 0) AS overdue,
    n.next_due,
    coalesce(n.next_due_amount, 0) AS next_due_amount,
    coalesce(t.open_total, 0) AS open_total
FROM premises p
JOIN v_premises_balance b ON b.premises_id = p.premises_id
LEFT JOIN overdue o ON o.premises_id = p.premises_id
LEFT JOIN next_due n ON n.premises_id = p.premises_id
LEFT JOIN open_total t ON t.premises_id = p.premises_id
WHERE p.premises_id = $premises_id
ORDER BY p.premises_id
