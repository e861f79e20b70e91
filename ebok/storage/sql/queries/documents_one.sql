-- One document, only if a resident of $premises_id may see it (own premises or general).
WITH visible AS (
    SELECT document_id, premises_id, kind, title, issued_on, file, document_no
    FROM documents
    WHERE document_id = $document_id
      AND (premises_id = $premises_id OR premises_id IS NULL OR premises_id = '')
)
SELECT document_id, premises_id, kind, title, issued_on, file, document_no
FROM visible
