//! Values of good practices (Baza Dobrych Praktyk): the lifecycle, the kind of unit that
//! runs a practice, and points on the map of Poland.

use super::text_enum;

text_enum!(
    /// Where a practice is in its lifecycle: `draft → submitted → published → archived`,
    /// and `published → submitted` when it needs a new review.
    PracticeStatus {
        Draft => "draft",
        Submitted => "submitted",
        Published => "published",
        Archived => "archived",
    }
);

impl PracticeStatus {
    /// Seen by everyone; the other states only by the implementer's editors and admins.
    pub const PUBLIC: &'static [PracticeStatus] =
        &[PracticeStatus::Published, PracticeStatus::Archived];

    pub fn is_public(self) -> bool {
        Self::PUBLIC.contains(&self)
    }

    /// Is `self → to` a move of the lifecycle?
    pub fn can_move_to(self, to: PracticeStatus) -> bool {
        use PracticeStatus::*;
        matches!(
            (self, to),
            (Draft, Submitted)
                | (Submitted, Published)
                | (Published, Archived)
                | (Published, Submitted)
        )
    }
}

text_enum!(
    /// The kind of unit a practice comes from: the kinds of local government, a union of
    /// them (`zwiazek`) or an association (`stowarzyszenie`).
    UnitKind {
        GminaMiejska => "gmina_miejska",
        GminaWiejska => "gmina_wiejska",
        GminaMiejskoWiejska => "gmina_miejsko_wiejska",
        MiastoNaPrawachPowiatu => "miasto_na_prawach_powiatu",
        Powiat => "powiat",
        Wojewodztwo => "wojewodztwo",
        Zwiazek => "zwiazek",
        Stowarzyszenie => "stowarzyszenie",
    }
);

impl From<super::JstKind> for UnitKind {
    fn from(kind: super::JstKind) -> Self {
        use super::JstKind as J;
        match kind {
            J::GminaMiejska => UnitKind::GminaMiejska,
            J::GminaWiejska => UnitKind::GminaWiejska,
            J::GminaMiejskoWiejska => UnitKind::GminaMiejskoWiejska,
            J::MiastoNaPrawachPowiatu => UnitKind::MiastoNaPrawachPowiatu,
            J::Powiat => UnitKind::Powiat,
            J::Wojewodztwo => UnitKind::Wojewodztwo,
        }
    }
}

/// Poland's bounding box in degrees (WGS 84), rounded outwards: 49.00–54.84 N,
/// 14.12–24.15 E.
pub const POLAND_LAT: (f64, f64) = (49.0, 54.9);
pub const POLAND_LON: (f64, f64) = (14.1, 24.2);

/// The mean Earth radius (IUGG), in km.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// A box in millionths of a degree: `(lat_min, lat_max)` and `(lon_min, lon_max)`, the
/// latter `None` when longitude does not narrow.
pub type MicroBox = ((i32, i32), Option<(i32, i32)>);

/// A point in WGS 84 degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
}

/// Degrees as stored: whole millionths of a degree (about 0.1 m), exact on both backends.
pub fn to_micro(degrees: f64) -> i32 {
    // Callers pass validated coordinates (|degrees| <= 180), far inside i32.
    (degrees * 1_000_000.0).round() as i32
}

pub fn from_micro(micro: i32) -> f64 {
    f64::from(micro) / 1_000_000.0
}

impl GeoPoint {
    pub fn inside_poland(self) -> bool {
        (POLAND_LAT.0..=POLAND_LAT.1).contains(&self.lat)
            && (POLAND_LON.0..=POLAND_LON.1).contains(&self.lon)
    }

    /// The great-circle distance in km (haversine, on the mean Earth radius).
    pub fn distance_km(self, other: GeoPoint) -> f64 {
        let (phi1, phi2) = (self.lat.to_radians(), other.lat.to_radians());
        let d_phi = phi2 - phi1;
        let d_lambda = (other.lon - self.lon).to_radians();
        let a =
            (d_phi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (d_lambda / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
    }

    /// The box (in millionths of a degree) that holds every point within `radius_km`:
    /// `(lat_min, lat_max)` and `(lon_min, lon_max)`, the latter `None` when the circle
    /// reaches a pole or the antimeridian (then longitude does not narrow). Rounded
    /// outwards, so the exact distance check after it never misses a point.
    pub fn bounding_box(self, radius_km: f64) -> MicroBox {
        let angular = radius_km / EARTH_RADIUS_KM;
        let d_lat = angular.to_degrees();
        let (lat_min, lat_max) = (self.lat - d_lat, self.lat + d_lat);
        let lat = (
            (lat_min.max(-90.0) * 1e6).floor() as i32 - 1,
            (lat_max.min(90.0) * 1e6).ceil() as i32 + 1,
        );
        if lat_min <= -90.0 || lat_max >= 90.0 {
            return (lat, None);
        }
        // The widest longitude span of a spherical cap: asin(sin r / cos φ).
        let ratio = angular.sin() / self.lat.to_radians().cos();
        if ratio >= 1.0 {
            return (lat, None);
        }
        let d_lon = ratio.asin().to_degrees();
        let (lon_min, lon_max) = (self.lon - d_lon, self.lon + d_lon);
        if lon_min < -180.0 || lon_max > 180.0 {
            return (lat, None);
        }
        let lon = (
            (lon_min * 1e6).floor() as i32 - 1,
            (lon_max * 1e6).ceil() as i32 + 1,
        );
        (lat, Some(lon))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPOLE: GeoPoint = GeoPoint {
        lat: 50.6751,
        lon: 17.9213,
    };
    const WROCLAW: GeoPoint = GeoPoint {
        lat: 51.1079,
        lon: 17.0385,
    };

    #[test]
    fn haversine_matches_a_hand_computed_distance() {
        // 2R·asin(√(sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2))) by hand: 78.42 km.
        let d = OPOLE.distance_km(WROCLAW);
        assert!((d - 78.42).abs() < 0.01, "{d}");
        assert_eq!(OPOLE.distance_km(OPOLE), 0.0);
    }

    #[test]
    fn the_box_holds_the_circle() {
        for radius in [1.0, 50.0, 78.0, 79.0, 500.0] {
            let ((lat_min, lat_max), lon) = OPOLE.bounding_box(radius);
            let (lon_min, lon_max) = lon.unwrap();
            let inside = OPOLE.distance_km(WROCLAW) <= radius;
            let in_box = (lat_min..=lat_max).contains(&to_micro(WROCLAW.lat))
                && (lon_min..=lon_max).contains(&to_micro(WROCLAW.lon));
            assert!(!inside || in_box, "radius {radius}");
        }
    }

    #[test]
    fn lifecycle_moves() {
        use PracticeStatus::*;
        assert!(Draft.can_move_to(Submitted));
        assert!(Published.can_move_to(Submitted));
        assert!(!Draft.can_move_to(Published));
        assert!(!Archived.can_move_to(Published));
    }
}
