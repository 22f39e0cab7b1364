//! Positions (stanowiska): what associations and alliances adopt and send to central
//! government, with their lifecycle, co-signers and replies: `/api/v1/positions`.
//!
//! Decisions worth knowing:
//! - A position is created as a `draft`; its status changes only through
//!   `POST /positions/{id}/transitions` (each move is kept in `position_transitions`,
//!   the creation being the first entry, with `from: null`).
//! - Adoption needs a title, a body and an adoption date (`on`, or the draft's
//!   `adopted_on`). Withdrawing a draft needs none of them: it abandons the draft.
//! - Numbers `N/YYYY` are unique per association and year (unique index on
//!   `(association_id, number_year, number_seq)`). On adoption without a number the next
//!   one of the year is assigned inside the transaction, under a lock taken by
//!   `repo::begin_write`/`repo::highest_number` (the only backend-specific SQL), with a
//!   retry on a unique violation as a second line of defence.
//! - Visibility: drafts are for admins and editors of the adopting association. A
//!   position becomes public (`published`) on adoption and stays so; a draft withdrawn
//!   before adoption stays private. Lists filter in SQL; others get 404 on a single one.
//! - `adopted_sort` is `adopted_on`, or 9999-12-31 while there is none: the adoption-date
//!   sorts are plain keyset scans on both backends (positions not yet adopted come first
//!   in `-adopted_on`, last in `adopted_on`), and NULL ordering never differs between
//!   PostgreSQL and SQLite.
//! - Co-signers change only before the position is sent: through
//!   `/co-signers/{organization_id}` by the organization's editors, or recorded as a whole
//!   list by the adopting association's editors (`co_signers` in POST/PATCH).
//! - Only drafts and withdrawn positions can be deleted; the rest is the record.
//! - `consultation_id` names an existing consultation (422 otherwise; a foreign key on
//!   PostgreSQL); the consultation lists the positions that answer it.

pub mod dto;
pub mod handlers;
pub mod model;
pub mod read;
pub mod repo;
pub mod service;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(config: &mut ServiceConfig) {
    config
        .service(handlers::list_positions)
        .service(handlers::create_position)
        .service(handlers::get_position)
        .service(handlers::update_position)
        .service(handlers::delete_position)
        .service(handlers::transition_position)
        .service(handlers::position_history)
        .service(handlers::co_sign_position)
        .service(handlers::remove_co_signer)
        .service(handlers::add_position_response);
}
