DROP TABLE practice_adoptions;
DROP TABLE practice_transitions;
DROP TABLE practice_attachments;
DROP TABLE practice_contacts;
DROP TABLE practice_partners;
DROP TABLE practice_category_links;
DROP TABLE practices;
DROP TABLE practice_categories;
