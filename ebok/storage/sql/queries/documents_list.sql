-- Documents a resident of $premises_id may see: those of the premises and the general ones
-- (premises_id empty), newest first.
WITH visible AS (
    SELECT document_id, premises_id, kind, title, issued_on, file, document_no
    FROM documents
    WHERE premises_id = $premises_id OR premises_id IS NULL OR premises_id = ''
)
SELECT document_id, premises_id, kind, title, issued_on, file, document_no
FROM visible
ORDER BY issued_on DESC, document_id
