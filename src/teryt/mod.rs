//! TERYT import (in progress).
