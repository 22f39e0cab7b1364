DROP TABLE cooperation_answers;
DROP TABLE cooperation_responses;
DROP TABLE cooperation_survey_codes;
DROP TABLE cooperation_assessments;
DROP TABLE cooperation_catalogues;
