ALTER TABLE search_docs RESET (toast_tuple_target);
