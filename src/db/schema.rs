// One schema for both backends: only types common to PostgreSQL and SQLite.

diesel::table! {
    organizations (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        short_name -> Nullable<Text>,
        kind -> Text,
        legal_form -> Nullable<Text>,
        description -> Nullable<Text>,
        founded_on -> Nullable<Date>,
        street -> Nullable<Text>,
        postal_code -> Nullable<Text>,
        city -> Nullable<Text>,
        voivodeship -> Nullable<Text>,
        website -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        krs -> Nullable<Text>,
        nip -> Nullable<Text>,
        regon -> Nullable<Text>,
        teryt -> Nullable<Text>,
        jst_kind -> Nullable<Text>,
        population -> Nullable<BigInt>,
        sort_name -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        name -> Text,
        role -> Text,
        password_hash -> Text,
        active -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    user_associations (user_id, organization_id) {
        user_id -> BigInt,
        organization_id -> BigInt,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        occurred_at -> Timestamp,
        actor_user_id -> Nullable<BigInt>,
        actor_token_id -> Nullable<BigInt>,
        action -> Text,
        object_type -> Text,
        object_id -> Text,
        request_id -> Nullable<Text>,
        changes -> Nullable<Text>,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        name -> Text,
        organization_id -> BigInt,
        token_prefix -> Text,
        token_hash -> Text,
        scopes -> Text,
        expires_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        created_by_user_id -> Nullable<BigInt>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        family -> Text,
        token_hash -> Text,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    throttle_counters (key) {
        key -> Text,
        window_start_ms -> BigInt,
        attempts -> BigInt,
    }
}

diesel::table! {
    memberships (id) {
        id -> BigInt,
        association_id -> BigInt,
        member_id -> BigInt,
        joined_on -> Date,
        left_on -> Nullable<Date>,
        basis -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    presidencies (id) {
        id -> BigInt,
        alliance_id -> BigInt,
        holder_id -> BigInt,
        starts_on -> Date,
        ends_on -> Date,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    milestones (id) {
        id -> BigInt,
        association_id -> BigInt,
        starts_on -> Date,
        ends_on -> Nullable<Date>,
        title -> Text,
        place -> Nullable<Text>,
        description -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(api_tokens -> organizations (organization_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(user_associations -> users (user_id));
diesel::joinable!(user_associations -> organizations (organization_id));

diesel::table! {
    positions (id) {
        id -> BigInt,
        association_id -> BigInt,
        number -> Nullable<Text>,
        number_year -> Nullable<Integer>,
        number_seq -> Nullable<Integer>,
        kind -> Text,
        title -> Nullable<Text>,
        summary -> Nullable<Text>,
        body -> Nullable<Text>,
        status -> Text,
        adopted_on -> Nullable<Date>,
        adopted_sort -> Date,
        sent_on -> Nullable<Date>,
        legislation_register_number -> Nullable<Text>,
        legislation_title -> Nullable<Text>,
        legislation_url -> Nullable<Text>,
        consultation_id -> Nullable<BigInt>,
        published -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    position_topics (position_id, topic) {
        position_id -> BigInt,
        topic -> Text,
    }
}

diesel::table! {
    position_addressees (position_id, organization_id) {
        position_id -> BigInt,
        organization_id -> BigInt,
    }
}

diesel::table! {
    position_co_signers (position_id, organization_id) {
        position_id -> BigInt,
        organization_id -> BigInt,
        signed_on -> Date,
    }
}

diesel::table! {
    position_attachments (id) {
        id -> BigInt,
        position_id -> BigInt,
        title -> Text,
        url -> Text,
        media_type -> Nullable<Text>,
        size_bytes -> Nullable<BigInt>,
    }
}

diesel::table! {
    position_responses (id) {
        id -> BigInt,
        position_id -> BigInt,
        received_on -> Date,
        from_organization_id -> BigInt,
        summary -> Text,
        attachment_title -> Nullable<Text>,
        attachment_url -> Nullable<Text>,
        attachment_media_type -> Nullable<Text>,
        attachment_size_bytes -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    position_transitions (id) {
        id -> BigInt,
        position_id -> BigInt,
        from_status -> Nullable<Text>,
        to_status -> Text,
        on_date -> Date,
        note -> Nullable<Text>,
        actor_user_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(positions -> organizations (association_id));
diesel::joinable!(position_topics -> positions (position_id));
diesel::joinable!(position_addressees -> positions (position_id));
diesel::joinable!(position_co_signers -> positions (position_id));
diesel::joinable!(position_attachments -> positions (position_id));
diesel::joinable!(position_responses -> positions (position_id));
diesel::joinable!(position_transitions -> positions (position_id));

diesel::table! {
    projects (id) {
        id -> BigInt,
        code -> Text,
        title -> Text,
        summary -> Nullable<Text>,
        description -> Nullable<Text>,
        lead_id -> BigInt,
        status -> Text,
        starts_on -> Date,
        ends_on -> Nullable<Date>,
        last_day -> Date,
        value_minor -> Nullable<BigInt>,
        value_currency -> Nullable<Text>,
        sort_title -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    project_partners (project_id, organization_id) {
        project_id -> BigInt,
        organization_id -> BigInt,
        role -> Text,
        position -> Integer,
    }
}

diesel::table! {
    project_funding (id) {
        id -> BigInt,
        project_id -> BigInt,
        source -> Text,
        programme -> Nullable<Text>,
        amount_minor -> BigInt,
        currency -> Text,
    }
}

diesel::table! {
    project_goals (id) {
        id -> BigInt,
        project_id -> BigInt,
        goal -> Text,
    }
}

diesel::table! {
    project_indicators (id) {
        id -> BigInt,
        project_id -> BigInt,
        name -> Text,
        unit -> Text,
        baseline -> BigInt,
        target -> BigInt,
        achieved -> Nullable<BigInt>,
        as_of -> Nullable<Date>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    project_events (id) {
        id -> BigInt,
        project_id -> BigInt,
        kind -> Text,
        title -> Text,
        description -> Nullable<Text>,
        starts_on -> Date,
        ends_on -> Nullable<Date>,
        last_day -> Date,
        starts_at -> Nullable<Text>,
        ends_at -> Nullable<Text>,
        start_sort -> BigInt,
        city -> Nullable<Text>,
        city_folded -> Nullable<Text>,
        venue -> Nullable<Text>,
        address -> Nullable<Text>,
        participants_count -> Nullable<BigInt>,
        organizations_count -> Nullable<BigInt>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(projects -> organizations (lead_id));
diesel::joinable!(project_partners -> projects (project_id));
diesel::joinable!(project_funding -> projects (project_id));
diesel::joinable!(project_goals -> projects (project_id));
diesel::joinable!(project_indicators -> projects (project_id));
diesel::joinable!(project_events -> projects (project_id));

diesel::table! {
    consultations (id) {
        id -> BigInt,
        organizer_id -> BigInt,
        direction -> Text,
        title -> Text,
        description -> Nullable<Text>,
        subject_kind -> Text,
        legislation_register_number -> Nullable<Text>,
        legislation_title -> Nullable<Text>,
        legislation_url -> Nullable<Text>,
        legal_basis -> Nullable<Text>,
        forms -> Text,
        eligibility -> Text,
        opens_at -> Timestamp,
        closes_at -> Timestamp,
        shortened_reason -> Nullable<Text>,
        status -> Text,
        announced_at -> Nullable<Timestamp>,
        report_published_on -> Nullable<Date>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    consultation_documents (id) {
        id -> BigInt,
        consultation_id -> BigInt,
        title -> Text,
        url -> Nullable<Text>,
        text -> Nullable<Text>,
        version -> Text,
    }
}

diesel::table! {
    consultation_invitees (consultation_id, organization_id) {
        consultation_id -> BigInt,
        organization_id -> BigInt,
    }
}

diesel::table! {
    consultation_transitions (id) {
        id -> BigInt,
        consultation_id -> BigInt,
        from_status -> Nullable<Text>,
        to_status -> Text,
        note -> Nullable<Text>,
        actor_user_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    consultation_comments (id) {
        id -> BigInt,
        consultation_id -> BigInt,
        number -> Integer,
        submitter_id -> Nullable<BigInt>,
        submitter_name -> Nullable<Text>,
        unit_reference -> Nullable<Text>,
        content -> Text,
        proposed_change -> Nullable<Text>,
        justification -> Nullable<Text>,
        channel -> Text,
        received_at -> Timestamp,
        disposition_status -> Text,
        disposition_response -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<BigInt>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(consultations -> organizations (organizer_id));
diesel::joinable!(consultation_documents -> consultations (consultation_id));
diesel::joinable!(consultation_invitees -> consultations (consultation_id));
diesel::joinable!(consultation_transitions -> consultations (consultation_id));
diesel::joinable!(consultation_comments -> consultations (consultation_id));

diesel::table! {
    practice_categories (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    practices (id) {
        id -> BigInt,
        title -> Text,
        summary -> Nullable<Text>,
        situation_before -> Nullable<Text>,
        goals -> Nullable<Text>,
        actions -> Nullable<Text>,
        results -> Nullable<Text>,
        resources -> Nullable<Text>,
        lessons -> Nullable<Text>,
        implementer_id -> BigInt,
        jst_id -> Nullable<BigInt>,
        unit_kind -> Nullable<Text>,
        teryt -> Nullable<Text>,
        street -> Nullable<Text>,
        postal_code -> Nullable<Text>,
        city -> Nullable<Text>,
        voivodeship -> Nullable<Text>,
        phone -> Nullable<Text>,
        website -> Nullable<Text>,
        population -> Nullable<BigInt>,
        lat_e6 -> Nullable<Integer>,
        lon_e6 -> Nullable<Integer>,
        project_id -> Nullable<BigInt>,
        entered_on -> Nullable<Date>,
        reviewed_on -> Nullable<Date>,
        status -> Text,
        sort_title -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    practice_category_links (practice_id, category_id) {
        practice_id -> BigInt,
        category_id -> BigInt,
    }
}

diesel::table! {
    practice_partners (practice_id, organization_id) {
        practice_id -> BigInt,
        organization_id -> BigInt,
    }
}

diesel::table! {
    practice_contacts (id) {
        id -> BigInt,
        practice_id -> BigInt,
        name -> Text,
        role -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        public -> Bool,
    }
}

diesel::table! {
    practice_attachments (id) {
        id -> BigInt,
        practice_id -> BigInt,
        title -> Text,
        url -> Text,
        media_type -> Nullable<Text>,
        size_bytes -> Nullable<BigInt>,
    }
}

diesel::table! {
    practice_transitions (id) {
        id -> BigInt,
        practice_id -> BigInt,
        from_status -> Nullable<Text>,
        to_status -> Text,
        note -> Nullable<Text>,
        actor_user_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    practice_adoptions (id) {
        id -> BigInt,
        practice_id -> BigInt,
        organization_id -> BigInt,
        adopted_on -> Date,
        note -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(practice_category_links -> practices (practice_id));
diesel::joinable!(practice_category_links -> practice_categories (category_id));
diesel::joinable!(practice_partners -> practices (practice_id));
diesel::joinable!(practice_contacts -> practices (practice_id));
diesel::joinable!(practice_attachments -> practices (practice_id));
diesel::joinable!(practice_transitions -> practices (practice_id));
diesel::joinable!(practice_adoptions -> practices (practice_id));
diesel::joinable!(practice_adoptions -> organizations (organization_id));

diesel::allow_tables_to_appear_in_same_query!(
    organizations,
    users,
    user_associations,
    audit_log,
    api_tokens,
    refresh_tokens,
    memberships,
    presidencies,
    milestones,
    positions,
    position_topics,
    position_addressees,
    position_co_signers,
    position_attachments,
    position_responses,
    position_transitions,
    projects,
    project_partners,
    project_funding,
    project_goals,
    project_indicators,
    project_events,
    consultations,
    consultation_documents,
    consultation_invitees,
    consultation_transitions,
    consultation_comments,
    practice_categories,
    practices,
    practice_category_links,
    practice_partners,
    practice_contacts,
    practice_attachments,
    practice_transitions,
    practice_adoptions,
    // A list page joins its rows' stored items (`db::read_docs::joined`).
    read_docs,
);

diesel::table! {
    /// The change feed (see migrations/*/2026-12-02-000140_i14_changes).
    changes (id) {
        id -> BigInt,
        seq -> Nullable<BigInt>,
        txid -> BigInt,
        object_type -> Text,
        object_id -> BigInt,
        parent_id -> Nullable<BigInt>,
        action -> Text,
        public_action -> Nullable<Text>,
        owner_id -> Nullable<BigInt>,
        version -> BigInt,
        occurred_at -> Timestamp,
    }
}

diesel::table! {
    /// Idempotency keys and their responses (2026-12-02-000141_i14_idempotency).
    idempotency_keys (id) {
        id -> BigInt,
        caller -> Text,
        idem_key -> Text,
        fingerprint -> Text,
        status -> Nullable<Integer>,
        headers -> Nullable<Text>,
        body -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    /// Webhook subscriptions (2026-12-02-000142_i14_webhooks).
    webhooks (id) {
        id -> BigInt,
        organization_id -> BigInt,
        url -> Text,
        types -> Text,
        actions -> Text,
        secret -> Text,
        active -> Bool,
        disabled_reason -> Nullable<Text>,
        failing_since -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// The webhook outbox (2026-12-02-000142_i14_webhooks).
    webhook_deliveries (id) {
        id -> BigInt,
        webhook_id -> BigInt,
        change_id -> Nullable<BigInt>,
        event -> Text,
        action -> Nullable<Text>,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_status_code -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        last_attempt_at -> Nullable<Timestamp>,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));
diesel::joinable!(webhook_deliveries -> changes (change_id));
diesel::allow_tables_to_appear_in_same_query!(changes, webhooks, webhook_deliveries);

diesel::table! {
    /// The read model (`read_model`): rendered public representations.
    read_docs (kind, id) {
        kind -> Text,
        id -> BigInt,
        version -> BigInt,
        doc -> Text,
        item -> Text,
        /// When the rendering stops being true without a write (2026-12-05-000200_i19c).
        valid_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Per read-model kind, a counter every write of its documents raises
    /// (2026-12-06-000200_i19d_read_generations): what validates a cached list page.
    read_generations (kind) {
        kind -> Text,
        generation -> BigInt,
    }
}

diesel::table! {
    /// The search index, one row per searchable resource (2026-12-04-000100_i17s_search_docs).
    /// PostgreSQL's generated `terms` tsvector and SQLite's `search_fts` are not listed:
    /// only `db::search_docs` reads them, in SQL of its own.
    search_docs (doc_id) {
        doc_id -> BigInt,
        kind -> Text,
        resource_id -> BigInt,
        owner_id -> Nullable<BigInt>,
        public -> Bool,
        title -> Text,
        body -> Text,
        title_words -> Text,
        body_words -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// The registration settings of an event (2026-12-03-000180_i18_registrations).
    event_registration_settings (id) {
        id -> BigInt,
        event_id -> BigInt,
        opens_at -> Timestamp,
        closes_at -> Timestamp,
        capacity -> Nullable<BigInt>,
        waitlist -> Bool,
        requires_approval -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Registrations for events; name, e-mail and organization name are personal data.
    event_registrations (id) {
        id -> BigInt,
        event_id -> BigInt,
        organizer_id -> BigInt,
        status -> Text,
        name -> Nullable<Text>,
        email -> Nullable<Text>,
        organization_name -> Nullable<Text>,
        organization_id -> Nullable<BigInt>,
        function -> Text,
        cancel_code_hash -> Nullable<Text>,
        consented_at -> Timestamp,
        checked_in_at -> Nullable<Timestamp>,
        erased_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Invitations of organizations to events.
    event_invitations (id) {
        id -> BigInt,
        event_id -> BigInt,
        organization_id -> BigInt,
        via_association_id -> Nullable<BigInt>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(event_registration_settings -> project_events (event_id));
diesel::joinable!(event_registrations -> project_events (event_id));
diesel::joinable!(event_invitations -> project_events (event_id));
diesel::allow_tables_to_appear_in_same_query!(event_registrations, project_events);

diesel::table! {
    /// Working groups of associations (2026-12-03-000181_i18_working_groups).
    working_groups (id) {
        id -> BigInt,
        association_id -> BigInt,
        name -> Text,
        mandate -> Nullable<Text>,
        established_on -> Nullable<Date>,
        dissolved_on -> Nullable<Date>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    working_group_members (id) {
        id -> BigInt,
        working_group_id -> BigInt,
        organization_id -> BigInt,
        role -> Text,
        from_on -> Nullable<Date>,
        to_on -> Nullable<Date>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    working_group_meetings (id) {
        id -> BigInt,
        working_group_id -> BigInt,
        held_on -> Date,
        place -> Nullable<Text>,
        agenda -> Nullable<Text>,
        minutes -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    working_group_meeting_positions (meeting_id, position_id) {
        meeting_id -> BigInt,
        position_id -> BigInt,
    }
}

diesel::joinable!(working_group_members -> working_groups (working_group_id));
diesel::joinable!(working_group_meetings -> working_groups (working_group_id));
diesel::joinable!(working_group_meeting_positions -> working_group_meetings (meeting_id));

diesel::table! {
    /// Immutable versions of the cooperation standard's catalogue (2026-12-03-000160_i16_cooperation).
    cooperation_catalogues (id) {
        id -> BigInt,
        title -> Text,
        note -> Nullable<Text>,
        content -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Assessments of a JST's cooperation with NGOs for a year (2026-12-03-000160_i16_cooperation).
    cooperation_assessments (id) {
        id -> BigInt,
        jst_id -> BigInt,
        year -> Integer,
        catalogue_id -> BigInt,
        area_codes -> Text,
        status -> Text,
        min_group_size -> Integer,
        demonstration -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// One-time survey codes, hashed (2026-12-03-000160_i16_cooperation).
    cooperation_survey_codes (id) {
        id -> BigInt,
        assessment_id -> BigInt,
        respondent_group -> Text,
        code_hash -> Text,
        created_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Anonymous survey responses (2026-12-03-000160_i16_cooperation).
    cooperation_responses (id) {
        id -> BigInt,
        assessment_id -> BigInt,
        respondent_group -> Text,
        submitted_at -> Timestamp,
    }
}

diesel::table! {
    /// The answers of a response (2026-12-03-000160_i16_cooperation).
    cooperation_answers (id) {
        id -> BigInt,
        response_id -> BigInt,
        indicator_code -> Text,
        score -> Nullable<Integer>,
    }
}

diesel::joinable!(cooperation_assessments -> organizations (jst_id));
diesel::joinable!(cooperation_assessments -> cooperation_catalogues (catalogue_id));
diesel::joinable!(cooperation_survey_codes -> cooperation_assessments (assessment_id));
diesel::joinable!(cooperation_responses -> cooperation_assessments (assessment_id));
diesel::joinable!(cooperation_answers -> cooperation_responses (response_id));
diesel::allow_tables_to_appear_in_same_query!(
    organizations,
    cooperation_catalogues,
    cooperation_assessments,
    cooperation_survey_codes,
    cooperation_responses,
    cooperation_answers,
);
