DROP TABLE position_transitions;
DROP TABLE position_responses;
DROP TABLE position_attachments;
DROP TABLE position_co_signers;
DROP TABLE position_addressees;
DROP TABLE position_topics;
DROP TABLE positions;
