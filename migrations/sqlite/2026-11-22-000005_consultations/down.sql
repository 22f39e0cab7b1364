DROP TABLE IF EXISTS consultation_comments;
DROP TABLE IF EXISTS consultation_transitions;
DROP TABLE IF EXISTS consultation_invitees;
DROP TABLE IF EXISTS consultation_documents;
DROP TABLE IF EXISTS consultations;
