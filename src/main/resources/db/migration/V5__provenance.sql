-- The SHA-256 of the dataset a job trained on, as loaded (DatasetRegistry.sha256), recorded when its run
-- starts: the weights' provenance names the data they came from even after an upload is replaced.
ALTER TABLE jobs ADD COLUMN dataset_sha256 VARCHAR(64);
