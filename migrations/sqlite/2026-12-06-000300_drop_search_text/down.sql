-- Brings the columns back empty (nothing reads them; a rebuild does not fill them).
ALTER TABLE organizations ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
ALTER TABLE positions ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
ALTER TABLE consultations ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
ALTER TABLE practices ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
