DROP TABLE working_group_meeting_positions;
DROP TABLE working_group_meetings;
DROP TABLE working_group_members;
DROP TABLE working_groups;
