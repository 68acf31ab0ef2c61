//! Stable snake_case codes for enumerations.
//!
//! Every enumeration that travels on the wire or into a `CHECK` constraint is declared
//! with [`code_enum!`], which gives it one list of codes used for parsing, printing,
//! serde and the database alike, so the four can never drift apart.

/// A code that is not one of the enumeration's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} code")]
pub struct UnknownCode {
    /// Which enumeration was asked for (e.g. `agency kind`).
    pub kind: &'static str,
}

/// Declares a fieldless enum with stable string codes.
///
/// Generates `ALL`, `as_str`, `FromStr`, `Display` and serde impls that use the codes.
#[macro_export]
macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident as $label:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        $vis enum $name {
            $( $(#[$vmeta])* #[cfg_attr(feature = "openapi", schema(rename = $code))] $variant ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code of this value.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::code::UnknownCode;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($code => Ok($name::$variant),)+
                    _ => Err($crate::code::UnknownCode { kind: $label }),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                // As serde's own enums: the error lists the codes, so that a client
                // told it is wrong also learns what is right.
                s.parse().map_err(|_| ::serde::de::Error::unknown_variant(&s, &[$($code),+]))
            }
        }
    };
}
