-- Uploaded datasets every node can train on. content: the CSV itself, in cluster mode (a single node keeps
-- it as the file file_path names, which is now optional); features, classes, train_size, test_size: the
-- shape it parsed to, so any node lists and validates it without parsing. Rows from before have no shape;
-- the server records it at start from their files.
ALTER TABLE uploaded_datasets ADD COLUMN content BLOB;
ALTER TABLE uploaded_datasets ADD COLUMN features INT;
ALTER TABLE uploaded_datasets ADD COLUMN classes INT;
ALTER TABLE uploaded_datasets ADD COLUMN train_size INT;
ALTER TABLE uploaded_datasets ADD COLUMN test_size INT;
ALTER TABLE uploaded_datasets ALTER COLUMN file_path DROP NOT NULL;
