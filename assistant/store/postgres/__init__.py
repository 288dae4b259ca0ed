"""The index in PostgreSQL: articles, passages, the manifest, keyword search
(a ``tsvector`` per passage with a GIN index) and vectors (pgvector, HNSW) in
one database, so that many readers on many machines share one index.

Updates are one transaction each (a killed update leaves the old state or the
new one); readers answer each question from one REPEATABLE READ snapshot; one
writer at a time holds a session advisory lock, which the server drops when
the writer's connection dies. Needs the ``postgres`` extra (psycopg, pgvector).
"""
