DROP TABLE project_events;
DROP TABLE project_indicators;
DROP TABLE project_goals;
DROP TABLE project_funding;
DROP TABLE project_partners;
DROP TABLE projects;
