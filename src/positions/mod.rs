//! Positions (stanowiska): what associations and alliances adopt and send to central
//! government, with their lifecycle, co-signers and replies: `/api/v1/positions`.

pub mod dto;
pub mod handlers;
pub mod model;
pub mod repo;

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
