//! The vocabulary of the protocol: who is speaking, which log, which ballot, which value.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A server of the cluster, numbered from 1 as a class would number them on a whiteboard.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct NodeId(pub u8);

impl NodeId {
    /// Position in per-node arrays (node 1 is index 0).
    pub fn index(self) -> usize {
        usize::from(self.0) - 1
    }

    /// The node stored at array position `index`.
    pub fn from_index(index: usize) -> NodeId {
        NodeId(u8::try_from(index + 1).expect("node index fits in u8"))
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "N{}", self.0)
    }
}

/// A simulated client of the timestamp service.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct ClientId(pub u16);

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "C{}", self.0)
    }
}

/// Where a message goes: servers and clients share one network. In JSON a node is its number
/// and a client a string: `3`, `"c0"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "AddressJson", try_from = "AddressJson")]
pub enum Address {
    /// A cluster member.
    Node(NodeId),
    /// A timestamp client.
    Client(ClientId),
}

/// [`Address`] as JSON: a node number or a client name.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AddressJson {
    /// A node, by number.
    Node(u8),
    /// A client: "c" and its number.
    Client(String),
}

impl From<Address> for AddressJson {
    fn from(a: Address) -> AddressJson {
        match a {
            Address::Node(n) => AddressJson::Node(n.0),
            Address::Client(c) => AddressJson::Client(format!("c{}", c.0)),
        }
    }
}

impl TryFrom<AddressJson> for Address {
    type Error = String;
    fn try_from(a: AddressJson) -> Result<Address, String> {
        match a {
            AddressJson::Node(n) => Ok(Address::Node(NodeId(n))),
            AddressJson::Client(c) => c
                .strip_prefix('c')
                .and_then(|n| n.parse().ok())
                .map(|n| Address::Client(ClientId(n)))
                .ok_or_else(|| format!("'{c}' is neither a node number nor a client like \"c0\"")),
        }
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Address::Node(n) => n.fmt(f),
            Address::Client(c) => c.fmt(f),
        }
    }
}

/// How many times a node has been (re)started. A restarted node is a new identity, as an
/// AtlasDB process gets a fresh UUID at start-up; this keeps its ballots and leadership claims
/// distinct from the ones it made before the crash, when its volatile counters were lost.
pub type Incarnation = u32;

/// Position in one of the two Paxos logs. The first real sequence is 0.
pub type Seq = u64;

/// A process identity: node plus incarnation. Leadership values name one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct LeaderId {
    /// The server.
    pub node: NodeId,
    /// Which life of that server.
    pub incarnation: Incarnation,
}

impl fmt::Display for LeaderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.node, self.incarnation)
    }
}

/// TimeLock runs two independent multi-instance Paxos logs; every message says which one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogId {
    /// Value at seq k names the leader of term k.
    Leadership,
    /// Value at seq k is the highest timestamp the leader may hand out.
    Timestamp,
}

impl LogId {
    /// Both logs, in a fixed order for arrays indexed by log.
    pub const ALL: [LogId; 2] = [LogId::Leadership, LogId::Timestamp];

    /// Array position.
    pub fn index(self) -> usize {
        match self {
            LogId::Leadership => 0,
            LogId::Timestamp => 1,
        }
    }

    /// The name used in traces and URLs.
    pub fn name(self) -> &'static str {
        match self {
            LogId::Leadership => "leadership",
            LogId::Timestamp => "timestamp",
        }
    }

    /// Parses [`LogId::name`].
    pub fn from_name(s: &str) -> Option<LogId> {
        match s {
            "leadership" => Some(LogId::Leadership),
            "timestamp" => Some(LogId::Timestamp),
            _ => None,
        }
    }
}

/// A Paxos proposal number. Ordered lexicographically by (number, uuid, node, incarnation), so
/// two proposers never share one and a restarted node (whose counter restarts at zero) cannot
/// collide with its own pre-crash ballots.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Ballot {
    /// The proposer's counter; raised past any ballot seen in a Nack.
    pub number: u64,
    /// The proposing process's random identity (AtlasDB's proposer UUID), the first
    /// tie-breaker under the `uuid-ballots` quirk; 0 in the textbook protocol.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub uuid: u32,
    /// The proposing node, the next tie-breaker.
    pub node: NodeId,
    /// The proposer's incarnation, the second tie-breaker.
    pub incarnation: Incarnation,
}

fn is_zero(x: &u32) -> bool {
    *x == 0
}

impl fmt::Display for Ballot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({},{},{}", self.number, self.node.0, self.incarnation)?;
        if self.uuid != 0 {
            write!(f, ",{:04x}", self.uuid >> 16)?;
        }
        write!(f, ")")
    }
}

/// Identity of one timestamp-bound store. AtlasDB builds a store with a fresh proposer UUID for
/// every leadership term; a bound carries its owner so a store can tell its own value from a
/// rival's that happens to be chosen at the same sequence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct StoreId {
    /// The leader process that built the store.
    pub leader: LeaderId,
    /// Counts stores built by that process.
    pub epoch: u32,
}

impl fmt::Display for StoreId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.leader, self.epoch)
    }
}

/// What Paxos agrees on at one (log, seq).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Value {
    /// Leadership log: this process leads for the term.
    Leader(LeaderId),
    /// Timestamp log: no timestamp above `bound` may be handed out; `owner` proposed it.
    Bound {
        /// The upper limit.
        bound: u64,
        /// The store that proposed it.
        owner: StoreId,
    },
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Leader(l) => write!(f, "leader {l}"),
            Value::Bound { bound, owner } => write!(f, "bound {bound} by {owner}"),
        }
    }
}

/// A named lock of the leader's lock service ("lock A", "lock B", …).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct LockName(pub u8);

impl fmt::Display for LockName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "lock {}", char::from(b'A' + self.0 % 26))
    }
}

/// Proof of holding a lock, as granted by one leader in one term. AtlasDB builds a new lock
/// service with a fresh random leadership id for every term, so a token from an earlier term
/// is unknown to the next one and its refresh fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct LockToken {
    /// The leader process that granted it.
    pub leader: LeaderId,
    /// Its leadership round (the term).
    pub term: Seq,
    /// Counts grants within the term.
    pub id: u32,
}

impl fmt::Display for LockToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/r{}/{}", self.leader, self.term, self.id)
    }
}

/// A set of nodes (up to 16), used for quorums and reply tracking without allocation. In JSON
/// it is the list of its members: `[1, 3]`.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(into = "Vec<NodeId>", from = "Vec<NodeId>")]
pub struct NodeSet(pub u16);

impl From<NodeSet> for Vec<NodeId> {
    fn from(s: NodeSet) -> Vec<NodeId> {
        s.iter().collect()
    }
}

impl From<Vec<NodeId>> for NodeSet {
    fn from(v: Vec<NodeId>) -> NodeSet {
        let mut s = NodeSet::default();
        for n in v.into_iter().filter(|n| (1..=16).contains(&n.0)) {
            s.insert(n);
        }
        s
    }
}

impl NodeSet {
    /// Adds a node; returns whether it was new.
    pub fn insert(&mut self, n: NodeId) -> bool {
        let bit = 1u16 << n.index();
        let fresh = self.0 & bit == 0;
        self.0 |= bit;
        fresh
    }

    /// Membership.
    pub fn contains(self, n: NodeId) -> bool {
        self.0 & (1u16 << n.index()) != 0
    }

    /// Size.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Whether no node is in the set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Members in ascending order.
    pub fn iter(self) -> impl Iterator<Item = NodeId> {
        (0..16usize)
            .filter(move |i| self.0 & (1u16 << i) != 0)
            .map(NodeId::from_index)
    }

    /// Nodes in both sets.
    pub fn intersection(self, other: NodeSet) -> NodeSet {
        NodeSet(self.0 & other.0)
    }
}

impl fmt::Display for NodeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{")?;
        for (i, n) in self.iter().enumerate() {
            if i > 0 {
                write!(f, ",")?;
            }
            write!(f, "{n}")?;
        }
        write!(f, "}}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ballots_order_by_number_then_node_then_incarnation() {
        let b = |number, node, incarnation| Ballot {
            number,
            uuid: 0,
            node: NodeId(node),
            incarnation,
        };
        assert!(b(2, 1, 0) > b(1, 5, 9), "number dominates");
        assert!(b(1, 3, 0) > b(1, 2, 7), "node breaks number ties");
        assert!(
            b(1, 2, 1) > b(1, 2, 0),
            "a restarted node outranks its old self"
        );
    }

    #[test]
    fn node_sets_count_and_intersect() {
        let mut a = NodeSet::default();
        assert!(a.insert(NodeId(1)));
        assert!(!a.insert(NodeId(1)));
        a.insert(NodeId(3));
        let mut b = NodeSet::default();
        b.insert(NodeId(3));
        b.insert(NodeId(4));
        assert_eq!(a.len(), 2);
        assert_eq!(
            a.intersection(b).iter().collect::<Vec<_>>(),
            vec![NodeId(3)]
        );
        assert_eq!(a.to_string(), "{N1,N3}");
    }
}
