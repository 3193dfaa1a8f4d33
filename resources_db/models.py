"""The directory's tables, named and shaped after Open Referral HSDS 3.0.

Column names follow the HSDS 3.0 tabular schema so a data package maps one CSV column to one
column here. Harbor's own fields (HSDS has nothing for them) are listed in HARBOR_FIELDS and
exported as extra columns, which HSDS allows.

Not modelled: program, contact, funding, cost_option, required_document, accessibility,
metadata, organization_identifier: Harbor neither shows nor searches them.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import relationship

from harbor.core.db import Base

SERVICE_STATUSES = ("active", "inactive", "defunct", "temporarily closed")
LOCATION_TYPES = ("physical", "postal", "virtual")
PHONE_TYPES = ("text", "voice", "fax", "cell", "video", "pager", "textphone", "hotline")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

# Harbor's extension columns, per table (everything else is HSDS 3.0).
HARBOR_FIELDS: dict[str, tuple[str, ...]] = {
    "service": (
        "confidential_location", "genders", "lgbtq_affirming", "accepts_minors_without_guardian",
        "open_24_7", "last_verified", "source",
    ),
    "location": ("city", "state_province", "coordinates_precision"),
}


class Organization(Base):
    __tablename__ = "organization"

    id = Column(String(64), primary_key=True)
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
    last_verified = Column(Date)
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
    __table_args__ = (Index("ix_service_at_location_location_service", "location_id", "service_id"),)

    id = Column(String(64), primary_key=True)
    service_id = Column(String(64), ForeignKey("service.id"), nullable=False, index=True)
    location_id = Column(String(64), ForeignKey("location.id"), nullable=False)
    description = Column(Text)

    service = relationship("Service", back_populates="at_locations")
    location = relationship("Location")


class Address(Base):
    __tablename__ = "address"

    id = Column(String(64), primary_key=True)
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
    service_id = Column(String(64), ForeignKey("service.id"), index=True)
    location_id = Column(String(64), ForeignKey("location.id"))
    service_at_location_id = Column(String(64), ForeignKey("service_at_location.id"))
    valid_from = Column(Date)
    valid_to = Column(Date)
    freq = Column(String(10))
    byday = Column(String(40))
    opens_at = Column(String(20))  # HH:MM with an offset, as HSDS asks
    closes_at = Column(String(20))
    timezone = Column(String(64))  # Harbor reads an IANA name here; HSDS suggests an offset
    description = Column(Text)
    notes = Column(Text)

    service = relationship("Service", back_populates="schedules")


class Language(Base):
    __tablename__ = "language"

    id = Column(String(64), primary_key=True)
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
    service_id = Column(String(64), ForeignKey("service.id"), index=True)
    service_at_location_id = Column(String(64), ForeignKey("service_at_location.id"))
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
    link_id = Column(String(64), nullable=False)
    taxonomy_term_id = Column(String(64), ForeignKey("taxonomy_term.id"), nullable=False)
    link_type = Column(String(64))
    link_entity = Column(String(64), nullable=False)
    value = Column(Text)
    label = Column(String(200))


TABLES: dict[str, type] = {
    model.__tablename__: model
    for model in (Organization, TaxonomyTerm, Service, Location, ServiceAtLocation, Address, Phone,
                  Schedule, Language, ServiceArea, Attribute)
}
