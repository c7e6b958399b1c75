-- Upload sizes, so the total the server keeps can be bounded (nograd.datasets.max-upload-bytes).
ALTER TABLE uploaded_datasets ADD COLUMN file_size BIGINT;
