//! The three kinds of session, and how other tables name one.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Reset,
    Person,
    Staff,
}

impl SessionKind {
    /// How the session with stored id `id` is named where other tables
    /// point at it (its one-time code in flight).
    pub fn holder(self, id: &str) -> String {
        let kind = match self {
            SessionKind::Reset => "reset",
            SessionKind::Person => "person",
            SessionKind::Staff => "staff",
        };
        format!("{kind}:{id}")
    }
}
