//! People as the directory holds them: one found by a name or a mail
//! address, or everyone the people filter finds (paged), each with the
//! password rules in force for them.

use std::collections::HashMap;

use ldap3::adapters::{Adapter, EntriesOnly, PagedResults};
use ldap3::{LdapError, Scope, SearchEntry};

use super::{Ldap, PAGE_SIZE, first_value};
use crate::directory::{DirectoryError, DirectoryPerson, DirectoryPolicy};

impl Ldap {
    /// The one person `identifier` names, with their rules.
    pub(super) async fn find_person(
        &self,
        identifier: &str,
    ) -> Result<DirectoryPerson, DirectoryError> {
        let mut ldap = self.service().await?;
        let attributes = self.person_attributes();
        let attributes = attributes.iter().map(String::as_str).collect();
        let entry = self.entry(&mut ldap, identifier, attributes).await;
        let person = match entry {
            Ok(entry) => {
                let mut person = self.person_of(&entry);
                person.rules = self.rules_of(&mut ldap, &entry).await;
                Ok(person)
            }
            Err(e) => Err(e),
        };
        let _ = ldap.unbind().await;
        person
    }

    /// Everyone the people filter finds, each with their rules.
    pub(super) async fn list_people(&self) -> Result<Vec<DirectoryPerson>, DirectoryError> {
        let mut ldap = self.service().await?;
        let filter = self.config.people_filter();
        let entries = self
            .paged_search(&mut ldap, &filter, self.person_attributes())
            .await?;
        // Each person's own policy DN, read once each after the search.
        let people: Vec<_> = (entries.into_iter())
            .map(|entry| {
                let own = first_value(&entry, self.own_rules_attribute());
                (self.person_of(&entry), own)
            })
            .collect();
        let mut rules: HashMap<Option<String>, DirectoryPolicy> = HashMap::new();
        let mut found = Vec::with_capacity(people.len());
        for (mut person, own) in people {
            if !rules.contains_key(&own) {
                let read = self.rules_named(&mut ldap, own.as_deref()).await;
                rules.insert(own.clone(), read);
            }
            person.rules = rules.get(&own).cloned().unwrap_or_default();
            found.push(person);
        }
        let _ = ldap.unbind().await;
        Ok(found)
    }

    /// Every entry under the base that `filter` finds, with `attributes`,
    /// a page at a time: Active Directory answers at most 1,000 entries a
    /// search.
    pub(super) async fn paged_search(
        &self,
        ldap: &mut ldap3::Ldap,
        filter: &str,
        attributes: Vec<String>,
    ) -> Result<Vec<SearchEntry>, DirectoryError> {
        let adapters: Vec<Box<dyn Adapter<_, _>>> = vec![
            Box::new(EntriesOnly::new()),
            Box::new(PagedResults::new(PAGE_SIZE)),
        ];
        let failed = |e: LdapError| DirectoryError::Failed(e.to_string());
        let mut stream = ldap
            .with_timeout(self.timeout())
            .streaming_search_with(
                adapters,
                &self.config.base_dn,
                Scope::Subtree,
                filter,
                attributes,
            )
            .await
            .map_err(failed)?;
        let mut entries = Vec::new();
        while let Some(entry) = stream.next().await.map_err(failed)? {
            entries.push(SearchEntry::construct(entry));
        }
        stream.finish().await.success().map_err(failed)?;
        Ok(entries)
    }

    /// What [`Ldap::person_of`] reads of an entry.
    pub(super) fn person_attributes(&self) -> Vec<String> {
        let names = self.config.attribute_names();
        vec![
            names.username,
            names.email,
            names.name,
            names.mobile,
            names.department,
            "cn".to_owned(),
            self.password_changed_attribute().to_owned(),
            self.own_rules_attribute().to_owned(),
        ]
    }

    pub(super) fn person_of(&self, entry: &SearchEntry) -> DirectoryPerson {
        let names = self.config.attribute_names();
        let first = |name: &str| first_value(entry, name);
        DirectoryPerson {
            dn: entry.dn.clone(),
            username: first(&names.username),
            email: first(&names.email),
            name: first(&names.name).or_else(|| first("cn")),
            mobile: first(&names.mobile),
            department: first(&names.department),
            password_changed_at: first(self.password_changed_attribute())
                .and_then(|value| self.time(&value)),
            rules: DirectoryPolicy::default(),
        }
    }
}
