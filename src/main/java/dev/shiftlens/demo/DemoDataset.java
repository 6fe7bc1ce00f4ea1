package dev.shiftlens.demo;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A generated demo dataset. Contacts, sends and the truth are held in memory; events (about half a
 * million for the defaults) are drawn again, contact by contact, each time they are iterated.
 */
public final class DemoDataset {
  private final DemoSpec spec;
  private final List<ContactModel> models;
  private final GroundTruth truth;
  private final EventSampler sampler;

  DemoDataset(DemoSpec spec, List<ContactModel> models, GroundTruth truth, EventSampler sampler) {
    this.spec = spec;
    this.models = List.copyOf(models);
    this.truth = truth;
    this.sampler = sampler;
  }

  public DemoSpec spec() {
    return spec;
  }

  public List<DemoContact> contacts() {
    return models.stream().map(ContactModel::contact).toList();
  }

  /** Sends ordered by contact, then time. */
  public List<DemoSend> sends() {
    return models.stream().flatMap(m -> m.sends().stream()).toList();
  }

  public GroundTruth truth() {
    return truth;
  }

  public long eventCount() {
    return truth.events();
  }

  /** Events ordered by contact, then time; every iteration yields the same events. */
  public Iterable<DemoEvent> events() {
    return () -> new Iterator<>() {
      private int nextContact;
      private long nextId;
      private Iterator<DemoEvent> current = Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        while (!current.hasNext() && nextContact < models.size()) {
          List<DemoEvent> events = sampler.events(models.get(nextContact++), nextId);
          nextId += events.size();
          current = events.iterator();
        }
        return current.hasNext();
      }

      @Override
      public DemoEvent next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return current.next();
      }
    };
  }
}
