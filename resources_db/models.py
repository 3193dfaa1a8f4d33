"""The directory's tables, named and shaped after Open Referral HSDS 3.0.

Column names follow the HSDS 3.0 tabular schema (resources_db/hsds/datapackage.json), so one
CSV column maps to one column here. Ids are UUIDs (resources_db/ids.py). Harbor's own fields,
which HSDS has nothing for, are listed in HARBOR_FIELDS with what they mean; an export appends
them after the official columns and describes them in its datapackage.json.

Not modelled: program, contact, funding, cost_option, required_document, accessibility,
metadata, meta_table_description, organization_identifier, taxonomy, and the HSDS columns of
the modelled tables that Harbor neither shows nor searches (an import says which it skipped).
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import relationship

from harbor.core.db import Base

SERVICE_STATUSES = ("active", "inactive", "defunct", "temporarily closed")
LOCATION_TYPES = ("physical", "postal", "virtual")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# Who a service is open to, as service.genders lists them (comma-separated; empty: everyone).
GENDERS = ("female", "male", "transgender", "nonbinary")

_SLUG = ("Harbor extension: the readable id this row's UUID was made from (a UUID 5 of it in Harbor's "
         "namespace); empty for rows that came with a UUID of their own.")
_EXTENSIONS: dict[str, dict[str, str]] = {
    "service": {
        "confidential_location": "Harbor extension: true for a program whose address is kept private for "
                                 "safety; it then has no location, only its intake phone.",
        "genders": "Harbor extension: comma list of the genders served (female, male, transgender, "
                   "nonbinary); empty means any.",
        "lgbtq_affirming": "Harbor extension: true where the source records the service as LGBTQ-affirming.",
        "accepts_minors_without_guardian": "Harbor extension: true where a minor may come without a "
                                           "parent or guardian.",
        "open_24_7": "Harbor extension: true for a service that answers at any hour.",
        "source": "Harbor extension: where this record comes from (a section of Harbor's seed document, "
                  "the body that runs the service, or the package it was imported from and when).",
    },
    "location": {
        "city": "Harbor extension: the city the location is in (also where only a city is known).",
        "state_province": "Harbor extension: the two-letter state of that city.",
        "coordinates_precision": "Harbor extension: 'address' when latitude/longitude are the address's, "
                                 "'city' when they are the centre of the city.",
    },
    "schedule": {
        "timezone_name": "Harbor extension: the IANA time zone of the hours (e.g. America/Los_Angeles); "
                         "timezone holds its standard UTC offset, as HSDS asks.",
    },
}


class Organization(Base):
    __tablename__ = "organization"

    id = Column(String(64), primary_key=True)
    slug = Column(String(100))
    name = Column(String(300), nullable=False)
    alternate_name = Column(String(300))
    description = Column(Text, nullable=False)
    email = Column(String(200))
    website = Column(String(500))
    parent_organization_id = Column(String(64))

    services = relationship("Service", back_populates="organization")


class Service(Base):
    __tablename__ = "service"

    id = Column(String(64), primary_key=True)
    slug = Column(String(100))
    organization_id = Column(String(64), ForeignKey("organization.id"), nullable=False)
    name = Column(String(300), nullable=False)
    alternate_name = Column(String(300))
    description = Column(Text)
    url = Column(String(500))
    email = Column(String(200))
    status = Column(String(20), nullable=False, default="active")
    interpretation_services = Column(Text)
    application_process = Column(Text)
    fees_description = Column(Text)
    eligibility_description = Column(Text)
    minimum_age = Column(Integer)
    maximum_age = Column(Integer)
    alert = Column(Text)
    # Harbor: a confidential shelter has no location row at all (DESIGN.md rule 2).
    confidential_location = Column(Boolean, nullable=False, default=False)
    genders = Column(String(100))  # comma list: female,male,transgender,nonbinary; empty = any
    lgbtq_affirming = Column(Boolean)
    accepts_minors_without_guardian = Column(Boolean)
    open_24_7 = Column(Boolean, nullable=False, default=False)
    assured_date = Column(Date)  # HSDS: the date the information was last checked
    source = Column(Text, nullable=False)

    organization = relationship("Organization", back_populates="services")
    phones = relationship("Phone", back_populates="service", order_by="Phone.id")
    schedules = relationship("Schedule", back_populates="service")
    service_areas = relationship("ServiceArea", back_populates="service")
    languages = relationship("Language", back_populates="service")
    at_locations = relationship("ServiceAtLocation", back_populates="service")


class Location(Base):
    __tablename__ = "location"
    # Covering index for the search box (latitude range, longitude checked in the index).
    __table_args__ = (Index("ix_location_lat_lon", "latitude", "longitude", "id"),)

    id = Column(String(64), primary_key=True)
    slug = Column(String(100))
    location_type = Column(String(10), nullable=False, default="physical")
    url = Column(String(500))
    organization_id = Column(String(64), ForeignKey("organization.id"))
    name = Column(String(300))
    alternate_name = Column(String(300))
    description = Column(Text)
    transportation = Column(Text)
    latitude = Column(Float)
    longitude = Column(Float)
    # Harbor: where the seed names a city but no street, the point is the city's centre.
    city = Column(String(100))
    state_province = Column(String(2))
    coordinates_precision = Column(String(10))  # address | city

    addresses = relationship("Address", back_populates="location")


class ServiceAtLocation(Base):
    __tablename__ = "service_at_location"
    # Covers the search box's join and its tie-break by slug.
    __table_args__ = (Index("ix_service_at_location_location_service", "location_id", "service_id", "slug"),)

    id = Column(String(64), primary_key=True)
    slug = Column(String(100))
    service_id = Column(String(64), ForeignKey("service.id"), nullable=False, index=True)
    location_id = Column(String(64), ForeignKey("location.id"), nullable=False)
    description = Column(Text)

    service = relationship("Service", back_populates="at_locations")
    location = relationship("Location")


class Address(Base):
    __tablename__ = "address"

    id = Column(String(64), primary_key=True)
    slug = Column(String(100))
    location_id = Column(String(64), ForeignKey("location.id"), nullable=False, index=True)
    attention = Column(String(200))
    address_1 = Column(String(300), nullable=False)
    address_2 = Column(String(300))
    city = Column(String(100), nullable=False)
    region = Column(String(100))
    state_province = Column(String(100), nullable=False)
    postal_code = Column(String(20), nullable=False)
    country = Column(String(2), nullable=False)
    address_type = Column(String(10), nullable=False, default="physical")

    location = relationship("Location", back_populates="addresses")


class Phone(Base):
    __tablename__ = "phone"

    id = Column(String(64), primary_key=True)
    slug = Column(String(100))
    location_id = Column(String(64), ForeignKey("location.id"))
    service_id = Column(String(64), ForeignKey("service.id"), index=True)
    organization_id = Column(String(64), ForeignKey("organization.id"))
    service_at_location_id = Column(String(64), ForeignKey("service_at_location.id"))
    number = Column(String(40), nullable=False)
    extension = Column(Integer)
    type = Column(String(10))
    description = Column(Text)

    service = relationship("Service", back_populates="phones")


class Schedule(Base):
    __tablename__ = "schedule"

    id = Column(String(64), primary_key=True)
    slug = Column(String(100))
    service_id = Column(String(64), ForeignKey("service.id"), index=True)
    location_id = Column(String(64), ForeignKey("location.id"))
    service_at_location_id = Column(String(64), ForeignKey("service_at_location.id"))
    valid_from = Column(Date)
    valid_to = Column(Date)
    freq = Column(String(10))
    byday = Column(String(40))
    opens_at = Column(String(20))  # HH:MM with an offset, as HSDS asks
    closes_at = Column(String(20))
    timezone = Column(Float)  # HSDS: a UTC offset in hours
    timezone_name = Column(String(64))  # Harbor: the IANA zone, which knows daylight saving time
    description = Column(Text)
    notes = Column(Text)

    service = relationship("Service", back_populates="schedules")


class Language(Base):
    __tablename__ = "language"

    id = Column(String(64), primary_key=True)
    slug = Column(String(100))
    service_id = Column(String(64), ForeignKey("service.id"), index=True)
    location_id = Column(String(64), ForeignKey("location.id"))
    phone_id = Column(String(64), ForeignKey("phone.id"))
    name = Column(String(100))
    code = Column(String(10))
    note = Column(Text)

    service = relationship("Service", back_populates="languages")


class ServiceArea(Base):
    __tablename__ = "service_area"
    __table_args__ = (Index("ix_service_area_extent", "extent"),)

    id = Column(String(64), primary_key=True)
    slug = Column(String(100))
    service_id = Column(String(64), ForeignKey("service.id"), index=True)
    name = Column(String(200))
    description = Column(Text)
    # Harbor writes ISO 3166 codes with extent_type "text": "US" is national, "US-CA" statewide.
    extent = Column(Text)
    extent_type = Column(String(10))
    uri = Column(String(500))

    service = relationship("Service", back_populates="service_areas")


class TaxonomyTerm(Base):
    __tablename__ = "taxonomy_term"

    id = Column(String(64), primary_key=True)
    slug = Column(String(100))
    code = Column(String(64))
    name = Column(String(200), nullable=False)
    description = Column(Text, nullable=False)
    parent_id = Column(String(64), ForeignKey("taxonomy_term.id"))
    taxonomy = Column(String(200))
    language = Column(String(10))
    taxonomy_id = Column(String(64))
    term_uri = Column(String(500))


class Attribute(Base):
    __tablename__ = "attribute"
    # Covers "is this service in that category" with one index lookup.
    __table_args__ = (Index("ix_attribute_link", "link_entity", "link_id", "taxonomy_term_id"),)

    id = Column(String(64), primary_key=True)
    slug = Column(String(100))
    link_id = Column(String(64), nullable=False)
    taxonomy_term_id = Column(String(64), ForeignKey("taxonomy_term.id"), nullable=False)
    link_type = Column(String(64))
    link_entity = Column(String(64), nullable=False)
    value = Column(Text)


TABLES: dict[str, type] = {
    model.__tablename__: model
    for model in (Organization, TaxonomyTerm, Service, Location, ServiceAtLocation, Address, Phone,
                  Schedule, Language, ServiceArea, Attribute)
}
# Harbor's extension columns, per table, with what each means (everything else is HSDS 3.0).
HARBOR_FIELDS: dict[str, dict[str, str]] = {table: {**_EXTENSIONS.get(table, {}), "slug": _SLUG} for table in TABLES}
