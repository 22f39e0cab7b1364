DROP TABLE milestones;
DROP TABLE presidencies;
DROP TABLE memberships;
