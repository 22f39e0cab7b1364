DROP TABLE read_docs;
